#!/usr/bin/env python3
# The Python client of the brief (section 9.3), kept verbatim below the marker, driven
# against a running orrery-master: create a task, read its status, run it, read the status
# again and stop it. Prints one JSON object per line: {"step": ..., "result": ...}.
#
# Environment: ORRERY_URL (https://host:port), ORRERY_TOKEN (an API token with the operator
# role for execute/stop and admin for create), REQUESTS_CA_BUNDLE (the CA that signed the
# master's certificate; read by requests itself), ORRERY_TASK_NAME (default data_backup).
#
# ---- the brief's client, unchanged -------------------------------------------------------
import requests

class TaskSchedulerClient:
    def __init__(self, base_url, api_key):
        self.base_url = base_url
        self.headers = {'Authorization': f'Bearer {api_key}'}
    
    def create_task(self, task_config):
        response = requests.post(
            f'{self.base_url}/api/v1/tasks',
            json=task_config,
            headers=self.headers
        )
        return response.json()
    
    def get_task_status(self, task_id):
        response = requests.get(
            f'{self.base_url}/api/v1/tasks/{task_id}/status',
            headers=self.headers
        )
        return response.json()
# ---- end of the brief's client -----------------------------------------------------------

import json
import os
import sys


def emit(step, result):
    print(json.dumps({"step": step, "result": result}, sort_keys=True), flush=True)


def main():
    base_url = os.environ["ORRERY_URL"].rstrip("/")
    client = TaskSchedulerClient(base_url, os.environ["ORRERY_TOKEN"])

    task = client.create_task({
        "name": os.environ.get("ORRERY_TASK_NAME", "data_backup"),
        "schedule": "0 2 * * *",
        "command": "backup.sh",
        "timeout": 3600,
    })
    emit("create", task)
    if "id" not in task:
        return 1

    emit("status", client.get_task_status(task["id"]))

    # execute and stop are not methods of the brief's class: the same call, same headers.
    response = requests.post(f"{base_url}/api/v1/tasks/{task['id']}/execute",
                             headers=client.headers)
    emit("execute", {"http_status": response.status_code, "body": response.json()})

    emit("status_after_execute", client.get_task_status(task["id"]))

    response = requests.post(f"{base_url}/api/v1/tasks/{task['id']}/stop",
                             headers=client.headers)
    emit("stop", {"http_status": response.status_code, "body": response.json()})

    emit("status_after_stop", client.get_task_status(task["id"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

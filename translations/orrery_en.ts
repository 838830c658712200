<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Orrery::Connect</name>
    <message>
        <source>no answer from the master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the master answered with status %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the master sent no YAML text for &apos;%1&apos; over the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the pipeline has no name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the master&apos;s answer has no pipeline run id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not a time: &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a run names its task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a run has a numeric id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown run state &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a pipeline run lists its runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a SHA-256 fingerprint is 64 hexadecimal digits (32 bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server&apos;s address is wss://host:port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>trust either a CA file or a fingerprint, not both</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no such file: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::CertificateDialog</name>
    <message>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alternative names</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust this master?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;The certificate of %1 is not the one trusted before.&lt;/b&gt; It may have been renewed, or someone may be in between. Trust the new one only if its fingerprint is the one your administrator gives.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing trusts the certificate of %1 yet. Compare its SHA-256 fingerprint with the one your administrator gives; if they are the same, trust it and it will be pinned for this server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trusted before:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Trust and connect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::ConnectDialog</name>
    <message>
        <source>&amp;Forget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove this server and its token from this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional, e.g. production</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished">&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an API token (orr_…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the CA that signed the master&apos;s certificate (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;CA file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>or the certificate&apos;s SHA-256 (AB:CD:…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fingerprint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave both the CA file and the fingerprint empty to see the master&apos;s certificate on first contact and trust it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;onnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an API token is needed (orrery-master admin-token, or POST /api/v1/tokens)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::ConnectionManager</name>
    <message>
        <source>No token for %1 from the keychain: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token could not be kept in the keychain: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to %1 as %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>token not kept: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused by %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::PipelineListDialog</name>
    <message>
        <source>Open a pipeline from the master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking the master…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The master did not answer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n pipeline(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::AddJobCommand</name>
    <message>
        <source>Add job &apos;%1&apos;</source>
        <translation>Add job &apos;%1&apos;</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::ChangeJobCommand</name>
    <message>
        <source>Rename job &apos;%1&apos; to &apos;%2&apos;</source>
        <translation>Rename job &apos;%1&apos; to &apos;%2&apos;</translation>
    </message>
    <message>
        <source>Edit job &apos;%1&apos;</source>
        <translation>Edit job &apos;%1&apos;</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::ConnectJobsCommand</name>
    <message>
        <source>Connect &apos;%1&apos; to &apos;%2&apos; (%3)</source>
        <translation>Connect &apos;%1&apos; to &apos;%2&apos; (%3)</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::DisconnectJobsCommand</name>
    <message>
        <source>Disconnect &apos;%1&apos; from &apos;%2&apos;</source>
        <translation>Disconnect &apos;%1&apos; from &apos;%2&apos;</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::GraphScene</name>
    <message>
        <source>Delete the selection</source>
        <translation>Delete the selection</translation>
    </message>
    <message>
        <source>The clipboard holds no jobs.</source>
        <translation>The clipboard holds no jobs.</translation>
    </message>
    <message>
        <source>No job matches &apos;%1&apos;.</source>
        <translation>No job matches &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>Drop on the job that runs after &apos;%1&apos; (Shift: on failure, Alt: when finished).</source>
        <translation>Drop on the job that runs after &apos;%1&apos; (Shift: on failure, Alt: when finished).</translation>
    </message>
    <message>
        <source>Not connected: %1</source>
        <translation>Not connected: %1</translation>
    </message>
    <message>
        <source>Run &apos;%1&apos; after &apos;%2&apos;.</source>
        <translation>Run &apos;%1&apos; after &apos;%2&apos;.</translation>
    </message>
    <message>
        <source>Refused: this dependency would close the cycle %1.</source>
        <translation>Refused: this dependency would close the cycle %1.</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Refused: %1</translation>
    </message>
    <message>
        <source>Run after success</source>
        <translation>Run after success</translation>
    </message>
    <message>
        <source>Run after failure</source>
        <translation>Run after failure</translation>
    </message>
    <message>
        <source>Run after it finished (any result)</source>
        <translation>Run after it finished (any result)</translation>
    </message>
    <message>
        <source>Remove the dependency</source>
        <translation>Remove the dependency</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Add a job here</source>
        <translation>Add a job here</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::Inspector</name>
    <message>
        <source>a label is written key=value: &apos;%1&apos;</source>
        <translation>a label is written key=value: &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the label &apos;%1&apos; is given twice</source>
        <translation>the label &apos;%1&apos; is given twice</translation>
    </message>
    <message>
        <source>a lock is written kind:name: &apos;%1&apos;</source>
        <translation>a lock is written kind:name: &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the lock &apos;%1&apos; is given twice</source>
        <translation>the lock &apos;%1&apos; is given twice</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::JobInspector</name>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Description:</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>&amp;Command:</translation>
    </message>
    <message>
        <source>cron, e.g. 0 2 * * *</source>
        <translation>cron, e.g. 0 2 * * *</translation>
    </message>
    <message>
        <source>&amp;Schedule:</source>
        <translation>&amp;Schedule:</translation>
    </message>
    <message>
        <source>the master&apos;s zone</source>
        <translation>the master&apos;s zone</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>&amp;Time zone:</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>no timeout</source>
        <translation>no timeout</translation>
    </message>
    <message>
        <source>T&amp;imeout:</source>
        <translation>T&amp;imeout:</translation>
    </message>
    <message>
        <source>&amp;Retries:</source>
        <translation>&amp;Retries:</translation>
    </message>
    <message>
        <source>Retry &amp;delay:</source>
        <translation>Retry &amp;delay:</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>&amp;Priority:</translation>
    </message>
    <message>
        <source>unspecified</source>
        <translation>unspecified</translation>
    </message>
    <message>
        <source>CPU intensive</source>
        <translation>CPU intensive</translation>
    </message>
    <message>
        <source>I/O intensive</source>
        <translation>I/O intensive</translation>
    </message>
    <message>
        <source>memory intensive</source>
        <translation>memory intensive</translation>
    </message>
    <message>
        <source>Resource &amp;kind:</source>
        <translation>Resource &amp;kind:</translation>
    </message>
    <message>
        <source>light</source>
        <translation>light</translation>
    </message>
    <message>
        <source>heavy</source>
        <translation>heavy</translation>
    </message>
    <message>
        <source>&amp;Weight:</source>
        <translation>&amp;Weight:</translation>
    </message>
    <message>
        <source>key=value, ...</source>
        <translation>key=value, ...</translation>
    </message>
    <message>
        <source>&amp;Labels:</source>
        <translation>&amp;Labels:</translation>
    </message>
    <message>
        <source>database_lock:primary_db, ...</source>
        <translation>database_lock:primary_db, ...</translation>
    </message>
    <message>
        <source>Loc&amp;ks:</source>
        <translation>Loc&amp;ks:</translation>
    </message>
    <message>
        <source>Runs after:</source>
        <translation>Runs after:</translation>
    </message>
    <message>
        <source>&amp;Enabled</source>
        <translation>&amp;Enabled</translation>
    </message>
    <message>
        <source>A job needs a name.</source>
        <translation>A job needs a name.</translation>
    </message>
    <message>
        <source>Another job is already called &apos;%1&apos;.</source>
        <translation>Another job is already called &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>Select one job to see and edit its fields.</source>
        <translation>Select one job to see and edit its fields.</translation>
    </message>
    <message>
        <source>(nothing: starts by its schedule or by hand)</source>
        <translation>(nothing: starts by its schedule or by hand)</translation>
    </message>
    <message>
        <source>No schedule: the job runs after its dependencies or when started by hand.</source>
        <translation>No schedule: the job runs after its dependencies or when started by hand.</translation>
    </message>
    <message>
        <source>Next runs:</source>
        <translation>Next runs:</translation>
    </message>
    <message>
        <source>HH:MM, in the job&apos;s time zone</source>
        <translation>HH:MM, in the job&apos;s time zone</translation>
    </message>
    <message>
        <source>Not &amp;before:</source>
        <translation>Not &amp;before:</translation>
    </message>
    <message>
        <source>e.g. 01:00-05:00</source>
        <translation>e.g. 01:00-05:00</translation>
    </message>
    <message>
        <source>Time &amp;window:</source>
        <translation>Time &amp;window:</translation>
    </message>
    <message>
        <source>run only when this holds</source>
        <translation>run only when this holds</translation>
    </message>
    <message>
        <source>C&amp;ondition:</source>
        <translation>C&amp;ondition:</translation>
    </message>
    <message>
        <source>command on the node; the job runs only if it exits 0</source>
        <translation>command on the node; the job runs only if it exits 0</translation>
    </message>
    <message>
        <source>C&amp;heck command:</source>
        <translation>C&amp;heck command:</translation>
    </message>
    <message>
        <source>default (%1 s)</source>
        <translation>default (%1 s)</translation>
    </message>
    <message>
        <source>Check timeo&amp;ut:</source>
        <translation>Check timeo&amp;ut:</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::MoveJobsCommand</name>
    <message>
        <source>Move job &apos;%1&apos;</source>
        <translation>Move job &apos;%1&apos;</translation>
    </message>
    <message numerus="yes">
        <source>Move %n job(s)</source>
        <translation>
            <numerusform>Move %n job</numerusform>
            <numerusform>Move %n jobs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::PasteJobsCommand</name>
    <message numerus="yes">
        <source>Paste %n job(s)</source>
        <translation>
            <numerusform>Paste %n job</numerusform>
            <numerusform>Paste %n jobs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::RelayoutCommand</name>
    <message>
        <source>Lay out all jobs again</source>
        <translation>Lay out all jobs again</translation>
    </message>
    <message>
        <source>Change the layout direction</source>
        <translation>Change the layout direction</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::RemoveJobsCommand</name>
    <message>
        <source>Delete job &apos;%1&apos;</source>
        <translation>Delete job &apos;%1&apos;</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n job(s)</source>
        <translation>
            <numerusform>Delete %n job</numerusform>
            <numerusform>Delete %n jobs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::ReplacePipelineCommand</name>
    <message>
        <source>Edit the YAML text</source>
        <translation>Edit the YAML text</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::SetEdgeStatusCommand</name>
    <message>
        <source>Run &apos;%1&apos; after &apos;%2&apos; on %3</source>
        <translation>Run &apos;%1&apos; after &apos;%2&apos; on %3</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::DashboardView</name>
    <message>
        <source>Success rate and mean duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Success rate (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean duration (s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abnormal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs per day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs per hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Success rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abnormal runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs created since midnight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Successful runs among those that ended by themselves today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean duration of today&apos;s finished runs (last attempt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs waiting for a node now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs that failed, timed out or were lost today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trends:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the statistics: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::JobsModel</name>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next fire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last run</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::JobsView</name>
    <message>
        <source>Filter by name, pipeline, schedule, labels…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a run of the selected job now (Ctrl+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the runs of the selected job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not stop %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not enable %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not disable %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::MainWindow</name>
    <message>
        <source>Pipeline editor</source>
        <translation>Pipeline editor</translation>
    </message>
    <message>
        <source>Zoom %1%</source>
        <translation>Zoom %1%</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <source>YAML</source>
        <translation>YAML</translation>
    </message>
    <message>
        <source>&lt;opened&gt;</source>
        <translation>&lt;opened&gt;</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>Undo history</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Main</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;New pipeline</source>
        <translation>&amp;New pipeline</translation>
    </message>
    <message>
        <source>&amp;Open YAML…</source>
        <translation>&amp;Open YAML…</translation>
    </message>
    <message>
        <source>&amp;Save YAML</source>
        <translation>&amp;Save YAML</translation>
    </message>
    <message>
        <source>Save YAML &amp;as…</source>
        <translation>Save YAML &amp;as…</translation>
    </message>
    <message>
        <source>&amp;Export image…</source>
        <translation>&amp;Export image…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Undo</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Redo</translation>
    </message>
    <message>
        <source>&amp;Add job</source>
        <translation>&amp;Add job</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>Cu&amp;t</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>&amp;Paste</translation>
    </message>
    <message>
        <source>Nothing pasted: %1</source>
        <translation>Nothing pasted: %1</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Delete</translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation>Select &amp;all</translation>
    </message>
    <message>
        <source>&amp;Find job…</source>
        <translation>&amp;Find job…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>Zoom &amp;in</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>Zoom &amp;out</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>&amp;Actual size</translation>
    </message>
    <message>
        <source>Zoom to &amp;fit</source>
        <translation>Zoom to &amp;fit</translation>
    </message>
    <message>
        <source>Lay out &amp;left to right</source>
        <translation>Lay out &amp;left to right</translation>
    </message>
    <message>
        <source>Lay out &amp;top down</source>
        <translation>Lay out &amp;top down</translation>
    </message>
    <message>
        <source>&amp;Re-layout all</source>
        <translation>&amp;Re-layout all</translation>
    </message>
    <message>
        <source>Find a job (Ctrl+F)</source>
        <translation>Find a job (Ctrl+F)</translation>
    </message>
    <message>
        <source>Found &apos;%1&apos;.</source>
        <translation>Found &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>Open a pipeline</source>
        <translation>Open a pipeline</translation>
    </message>
    <message>
        <source>Pipeline YAML (*.yaml *.yml)</source>
        <translation>Pipeline YAML (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Cannot open the pipeline</source>
        <translation>Cannot open the pipeline</translation>
    </message>
    <message>
        <source>Save the pipeline</source>
        <translation>Save the pipeline</translation>
    </message>
    <message>
        <source>Cannot save the pipeline</source>
        <translation>Cannot save the pipeline</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>Saved %1.</translation>
    </message>
    <message>
        <source>Export the graph</source>
        <translation>Export the graph</translation>
    </message>
    <message>
        <source>SVG image (*.svg);;PNG image (*.png)</source>
        <translation>SVG image (*.svg);;PNG image (*.png)</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>Cannot export</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>Could not write %1.</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>The pipeline has changes that are not saved. Save them first?</source>
        <translation>The pipeline has changes that are not saved. Save them first?</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>untitled</translation>
    </message>
    <message>
        <source>Pipeline run %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot show the pipeline run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open pipeline…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save to &amp;master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Hide run states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened &apos;%1&apos; from the master.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save to the master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The pipeline has no name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save to the master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of the pipeline on the master:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The master did not save the pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved &apos;%1&apos; to the master.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The pipeline did not start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (master)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; has no run in the shown pipeline run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pipeline editor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R&amp;uns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Das&amp;hboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pr&amp;eferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The interface will be shown in the chosen language the next time Orrery starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::NodesModel</name>
    <message>
        <source>Node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clock skew</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent %1, up to %2 runs at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>draining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>drained</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>revoked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 GiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::NodesView</name>
    <message>
        <source>Filter by name, status, labels…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send no new runs to the selected node; running ones finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send runs to the selected node again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not drain %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not enable %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the nodes: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::RunLogView</name>
    <message>
        <source>Follow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the end of the output in view (F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--- attempt %1 ---</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No run selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output not available: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the master kept only the start of this output</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::RunsModel</name>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::RunsView</name>
    <message>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the runs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a run to see its attempts and output.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1 of %2: %3, trigger %4, priority %5, scheduled %6, created %7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only this job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy run id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not stop run %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load older runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the next page of older runs from the master</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read older runs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) shown</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::SettingsDialog</name>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new language is applied when Orrery is started again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::ViewText</name>
    <message>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>timed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never ran</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP status %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Orrery: design and watch job pipelines.</source>
        <translation>Orrery: design and watch job pipelines.</translation>
    </message>
    <message>
        <source>Language of the interface (en, zh_CN).</source>
        <translation>Language of the interface (en, zh_CN).</translation>
    </message>
    <message>
        <source>A pipeline YAML file to open.</source>
        <translation>A pipeline YAML file to open.</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;png&gt; and quit (for the documentation).</source>
        <translation>Save a picture of the window to &lt;png&gt; and quit (for the documentation).</translation>
    </message>
    <message>
        <source>Connect to this master (wss://host:port) with the API token in the environment variable ORRERY_TOKEN, instead of the last server used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --server: trust the CA in this file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --server: trust the certificate with this SHA-256 fingerprint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the states of this pipeline run on the graph.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page to show first: editor, jobs, runs, nodes or dashboard.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Orrery::Connect</name>
    <message>
        <source>no answer from the master</source>
        <translation>主控没有应答</translation>
    </message>
    <message>
        <source>the master answered with status %1</source>
        <translation>主控返回状态 %1</translation>
    </message>
    <message>
        <source>the master sent no YAML text for &apos;%1&apos; over the connection</source>
        <translation>主控没有通过连接发送“%1”的 YAML 文本</translation>
    </message>
    <message>
        <source>the pipeline has no name</source>
        <translation>流水线没有名称</translation>
    </message>
    <message>
        <source>the master&apos;s answer has no pipeline run id</source>
        <translation>主控的应答中没有流水线运行 ID</translation>
    </message>
    <message>
        <source>not a time: &apos;%1&apos;</source>
        <translation>不是时间：“%1”</translation>
    </message>
    <message>
        <source>a run names its task</source>
        <translation>运行必须指明其任务</translation>
    </message>
    <message>
        <source>a run has a numeric id</source>
        <translation>运行的 ID 必须是数字</translation>
    </message>
    <message>
        <source>unknown run state &apos;%1&apos;</source>
        <translation>未知的运行状态“%1”</translation>
    </message>
    <message>
        <source>a pipeline run lists its runs</source>
        <translation>流水线运行必须列出其各个运行</translation>
    </message>
    <message>
        <source>a SHA-256 fingerprint is 64 hexadecimal digits (32 bytes)</source>
        <translation>SHA-256 指纹是 64 位十六进制数字（32 字节）</translation>
    </message>
    <message>
        <source>the server&apos;s address is wss://host:port</source>
        <translation>服务器地址的格式为 wss://主机:端口</translation>
    </message>
    <message>
        <source>trust either a CA file or a fingerprint, not both</source>
        <translation>请信任 CA 文件或指纹之一，不能同时使用</translation>
    </message>
    <message>
        <source>no such file: %1</source>
        <translation>文件不存在：%1</translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::CertificateDialog</name>
    <message>
        <source>Subject</source>
        <translation>主体</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>颁发者</translation>
    </message>
    <message>
        <source>Alternative names</source>
        <translation>备用名称</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>生效时间</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>到期时间</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint</source>
        <translation>SHA-256 指纹</translation>
    </message>
    <message>
        <source>Trust this master?</source>
        <translation>信任此主控？</translation>
    </message>
    <message>
        <source>&lt;b&gt;The certificate of %1 is not the one trusted before.&lt;/b&gt; It may have been renewed, or someone may be in between. Trust the new one only if its fingerprint is the one your administrator gives.</source>
        <translation>&lt;b&gt;%1 的证书与之前信任的不同。&lt;/b&gt;它可能已被更新，也可能有人在中间拦截。只有当其指纹与管理员提供的一致时，才信任新证书。</translation>
    </message>
    <message>
        <source>Nothing trusts the certificate of %1 yet. Compare its SHA-256 fingerprint with the one your administrator gives; if they are the same, trust it and it will be pinned for this server.</source>
        <translation>%1 的证书尚未被信任。请将其 SHA-256 指纹与管理员提供的指纹比对；如果相同，信任它，此服务器将固定使用该证书。</translation>
    </message>
    <message>
        <source>Trusted before:</source>
        <translation>之前信任的：</translation>
    </message>
    <message>
        <source>&amp;Trust and connect</source>
        <translation>信任并连接(&amp;T)</translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::ConnectDialog</name>
    <message>
        <source>&amp;Forget</source>
        <translation>忘记(&amp;F)</translation>
    </message>
    <message>
        <source>Connect to a master</source>
        <translation>连接到主控</translation>
    </message>
    <message>
        <source>Remove this server and its token from this computer</source>
        <translation>从本机删除此服务器及其令牌</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>服务器(&amp;S)：</translation>
    </message>
    <message>
        <source>optional, e.g. production</source>
        <translation>可选，例如 生产环境</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>地址(&amp;A)：</translation>
    </message>
    <message>
        <source>an API token (orr_…)</source>
        <translation>API 令牌（orr_…）</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a file</source>
        <translation>保存在系统钥匙串中，从不写入文件</translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation>令牌(&amp;T)：</translation>
    </message>
    <message>
        <source>the CA that signed the master&apos;s certificate (PEM)</source>
        <translation>签发主控证书的 CA（PEM）</translation>
    </message>
    <message>
        <source>Choose a CA file</source>
        <translation>选择 CA 文件</translation>
    </message>
    <message>
        <source>&amp;CA file:</source>
        <translation>CA 文件(&amp;C)：</translation>
    </message>
    <message>
        <source>or the certificate&apos;s SHA-256 (AB:CD:…)</source>
        <translation>或证书的 SHA-256（AB:CD:…）</translation>
    </message>
    <message>
        <source>&amp;Fingerprint:</source>
        <translation>指纹(&amp;F)：</translation>
    </message>
    <message>
        <source>Leave both the CA file and the fingerprint empty to see the master&apos;s certificate on first contact and trust it.</source>
        <translation>CA 文件和指纹都留空时，首次连接会显示主控的证书供您确认信任。</translation>
    </message>
    <message>
        <source>C&amp;onnect</source>
        <translation>连接(&amp;O)</translation>
    </message>
    <message>
        <source>The CA certificate</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation>PEM 证书 (*.pem *.crt)</translation>
    </message>
    <message>
        <source>New server…</source>
        <translation>新服务器…</translation>
    </message>
    <message>
        <source>an API token is needed (orrery-master admin-token, or POST /api/v1/tokens)</source>
        <translation>需要 API 令牌（orrery-master admin-token，或 POST /api/v1/tokens）</translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::ConnectionManager</name>
    <message>
        <source>No token for %1 from the keychain: %2</source>
        <translation>无法从钥匙串取得 %1 的令牌：%2</translation>
    </message>
    <message>
        <source>The token could not be kept in the keychain: %1</source>
        <translation>无法将令牌保存到钥匙串：%1</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Connected to %1 as %2 (%3)</source>
        <translation>已连接到 %1，用户 %2（%3）</translation>
    </message>
    <message>
        <source>token not kept: %1</source>
        <translation>令牌未保存：%1</translation>
    </message>
    <message>
        <source>Reconnecting to %1: %2</source>
        <translation>正在重新连接 %1：%2</translation>
    </message>
    <message>
        <source>Refused by %1: %2</source>
        <translation>被 %1 拒绝：%2</translation>
    </message>
</context>
<context>
    <name>Orrery::Connect::PipelineListDialog</name>
    <message>
        <source>Open a pipeline from the master</source>
        <translation>从主控打开流水线</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>流水线</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>最近运行</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Asking the master…</source>
        <translation>正在询问主控…</translation>
    </message>
    <message>
        <source>The master did not answer: %1</source>
        <translation>主控没有应答：%1</translation>
    </message>
    <message>
        <source>status %1</source>
        <translation>状态 %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message numerus="yes">
        <source>%n pipeline(s)</source>
        <translation>
            <numerusform>%n 条流水线</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::AddJobCommand</name>
    <message>
        <source>Add job &apos;%1&apos;</source>
        <translation>添加作业“%1”</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::ChangeJobCommand</name>
    <message>
        <source>Rename job &apos;%1&apos; to &apos;%2&apos;</source>
        <translation>将作业“%1”重命名为“%2”</translation>
    </message>
    <message>
        <source>Edit job &apos;%1&apos;</source>
        <translation>编辑作业“%1”</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::ConnectJobsCommand</name>
    <message>
        <source>Connect &apos;%1&apos; to &apos;%2&apos; (%3)</source>
        <translation>连接“%1”到“%2”（%3）</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::DisconnectJobsCommand</name>
    <message>
        <source>Disconnect &apos;%1&apos; from &apos;%2&apos;</source>
        <translation>断开“%1”与“%2”的依赖</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::GraphScene</name>
    <message>
        <source>Delete the selection</source>
        <translation>删除所选内容</translation>
    </message>
    <message>
        <source>The clipboard holds no jobs.</source>
        <translation>剪贴板中没有作业。</translation>
    </message>
    <message>
        <source>No job matches &apos;%1&apos;.</source>
        <translation>没有与“%1”匹配的作业。</translation>
    </message>
    <message>
        <source>Drop on the job that runs after &apos;%1&apos; (Shift: on failure, Alt: when finished).</source>
        <translation>拖放到在“%1”之后运行的作业上（Shift：失败后，Alt：结束后）。</translation>
    </message>
    <message>
        <source>Not connected: %1</source>
        <translation>未连接：%1</translation>
    </message>
    <message>
        <source>Run &apos;%1&apos; after &apos;%2&apos;.</source>
        <translation>在“%2”之后运行“%1”。</translation>
    </message>
    <message>
        <source>Refused: this dependency would close the cycle %1.</source>
        <translation>已拒绝：此依赖会形成环 %1。</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <source>Run after success</source>
        <translation>成功后运行</translation>
    </message>
    <message>
        <source>Run after failure</source>
        <translation>失败后运行</translation>
    </message>
    <message>
        <source>Run after it finished (any result)</source>
        <translation>结束后运行（任何结果）</translation>
    </message>
    <message>
        <source>Remove the dependency</source>
        <translation>删除依赖</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Add a job here</source>
        <translation>在此处添加作业</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::Inspector</name>
    <message>
        <source>a label is written key=value: &apos;%1&apos;</source>
        <translation>标签的写法是 键=值：“%1”</translation>
    </message>
    <message>
        <source>the label &apos;%1&apos; is given twice</source>
        <translation>标签“%1”重复出现</translation>
    </message>
    <message>
        <source>a lock is written kind:name: &apos;%1&apos;</source>
        <translation>锁的写法是 类型:名称：“%1”</translation>
    </message>
    <message>
        <source>the lock &apos;%1&apos; is given twice</source>
        <translation>锁“%1”重复出现</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::JobInspector</name>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>描述(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>命令(&amp;C)：</translation>
    </message>
    <message>
        <source>cron, e.g. 0 2 * * *</source>
        <translation>cron 表达式，例如 0 2 * * *</translation>
    </message>
    <message>
        <source>&amp;Schedule:</source>
        <translation>调度(&amp;S)：</translation>
    </message>
    <message>
        <source>the master&apos;s zone</source>
        <translation>主控节点的时区</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>时区(&amp;T)：</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>no timeout</source>
        <translation>不超时</translation>
    </message>
    <message>
        <source>T&amp;imeout:</source>
        <translation>超时(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Retries:</source>
        <translation>重试次数(&amp;R)：</translation>
    </message>
    <message>
        <source>Retry &amp;delay:</source>
        <translation>重试间隔(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>优先级(&amp;P)：</translation>
    </message>
    <message>
        <source>unspecified</source>
        <translation>未指定</translation>
    </message>
    <message>
        <source>CPU intensive</source>
        <translation>CPU 密集型</translation>
    </message>
    <message>
        <source>I/O intensive</source>
        <translation>I/O 密集型</translation>
    </message>
    <message>
        <source>memory intensive</source>
        <translation>内存密集型</translation>
    </message>
    <message>
        <source>Resource &amp;kind:</source>
        <translation>资源类型(&amp;K)：</translation>
    </message>
    <message>
        <source>light</source>
        <translation>轻量</translation>
    </message>
    <message>
        <source>heavy</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>&amp;Weight:</source>
        <translation>负载(&amp;W)：</translation>
    </message>
    <message>
        <source>key=value, ...</source>
        <translation>键=值, ...</translation>
    </message>
    <message>
        <source>&amp;Labels:</source>
        <translation>标签(&amp;L)：</translation>
    </message>
    <message>
        <source>database_lock:primary_db, ...</source>
        <translation>database_lock:primary_db, ...</translation>
    </message>
    <message>
        <source>Loc&amp;ks:</source>
        <translation>资源锁(&amp;K)：</translation>
    </message>
    <message>
        <source>Runs after:</source>
        <translation>依赖于：</translation>
    </message>
    <message>
        <source>&amp;Enabled</source>
        <translation>启用(&amp;E)</translation>
    </message>
    <message>
        <source>A job needs a name.</source>
        <translation>作业必须有名称。</translation>
    </message>
    <message>
        <source>Another job is already called &apos;%1&apos;.</source>
        <translation>已有另一个作业名为“%1”。</translation>
    </message>
    <message>
        <source>Select one job to see and edit its fields.</source>
        <translation>选择一个作业以查看和编辑其字段。</translation>
    </message>
    <message>
        <source>(nothing: starts by its schedule or by hand)</source>
        <translation>（无：按调度或手动启动）</translation>
    </message>
    <message>
        <source>No schedule: the job runs after its dependencies or when started by hand.</source>
        <translation>无调度：作业在其依赖完成后运行，或手动启动。</translation>
    </message>
    <message>
        <source>Next runs:</source>
        <translation>接下来的运行时间：</translation>
    </message>
    <message>
        <source>HH:MM, in the job&apos;s time zone</source>
        <translation>HH:MM，按作业的时区</translation>
    </message>
    <message>
        <source>Not &amp;before:</source>
        <translation>不早于(&amp;B)：</translation>
    </message>
    <message>
        <source>e.g. 01:00-05:00</source>
        <translation>例如 01:00-05:00</translation>
    </message>
    <message>
        <source>Time &amp;window:</source>
        <translation>时间窗口(&amp;W)：</translation>
    </message>
    <message>
        <source>run only when this holds</source>
        <translation>仅在条件成立时运行</translation>
    </message>
    <message>
        <source>C&amp;ondition:</source>
        <translation>条件(&amp;O)：</translation>
    </message>
    <message>
        <source>command on the node; the job runs only if it exits 0</source>
        <translation>在节点上运行的命令；仅当它以 0 退出时才运行作业</translation>
    </message>
    <message>
        <source>C&amp;heck command:</source>
        <translation>检查命令(&amp;H)：</translation>
    </message>
    <message>
        <source>default (%1 s)</source>
        <translation>默认（%1 秒）</translation>
    </message>
    <message>
        <source>Check timeo&amp;ut:</source>
        <translation>检查超时(&amp;U)：</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::MoveJobsCommand</name>
    <message>
        <source>Move job &apos;%1&apos;</source>
        <translation>移动作业“%1”</translation>
    </message>
    <message numerus="yes">
        <source>Move %n job(s)</source>
        <translation>
            <numerusform>移动 %n 个作业</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::PasteJobsCommand</name>
    <message numerus="yes">
        <source>Paste %n job(s)</source>
        <translation>
            <numerusform>粘贴 %n 个作业</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::RelayoutCommand</name>
    <message>
        <source>Lay out all jobs again</source>
        <translation>重新布局所有作业</translation>
    </message>
    <message>
        <source>Change the layout direction</source>
        <translation>更改布局方向</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::RemoveJobsCommand</name>
    <message>
        <source>Delete job &apos;%1&apos;</source>
        <translation>删除作业“%1”</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n job(s)</source>
        <translation>
            <numerusform>删除 %n 个作业</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::ReplacePipelineCommand</name>
    <message>
        <source>Edit the YAML text</source>
        <translation>编辑 YAML 文本</translation>
    </message>
</context>
<context>
    <name>Orrery::Editor::SetEdgeStatusCommand</name>
    <message>
        <source>Run &apos;%1&apos; after &apos;%2&apos; on %3</source>
        <translation>在“%2”%3后运行“%1”</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::DashboardView</name>
    <message>
        <source>Success rate and mean duration</source>
        <translation>成功率与平均耗时</translation>
    </message>
    <message>
        <source>Success rate (%)</source>
        <translation>成功率 (%)</translation>
    </message>
    <message>
        <source>Mean duration (s)</source>
        <translation>平均耗时（秒）</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行次数</translation>
    </message>
    <message>
        <source>Abnormal</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>Runs per day</source>
        <translation>每日运行次数</translation>
    </message>
    <message>
        <source>Runs per hour</source>
        <translation>每小时运行次数</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Runs today</source>
        <translation>今日运行</translation>
    </message>
    <message>
        <source>Success rate</source>
        <translation>成功率</translation>
    </message>
    <message>
        <source>Mean duration</source>
        <translation>平均耗时</translation>
    </message>
    <message>
        <source>Queue length</source>
        <translation>队列长度</translation>
    </message>
    <message>
        <source>Abnormal runs</source>
        <translation>异常运行</translation>
    </message>
    <message>
        <source>Runs created since midnight</source>
        <translation>今日零点以来创建的运行</translation>
    </message>
    <message>
        <source>Successful runs among those that ended by themselves today</source>
        <translation>今日自行结束的运行中成功的比例</translation>
    </message>
    <message>
        <source>Mean duration of today&apos;s finished runs (last attempt)</source>
        <translation>今日已结束运行的平均耗时（最后一次尝试）</translation>
    </message>
    <message>
        <source>Runs waiting for a node now</source>
        <translation>当前等待节点的运行</translation>
    </message>
    <message>
        <source>Runs that failed, timed out or were lost today</source>
        <translation>今日失败、超时或丢失的运行</translation>
    </message>
    <message>
        <source>Trends:</source>
        <translation>趋势：</translation>
    </message>
    <message>
        <source>Could not read the statistics: %1</source>
        <translation>无法读取统计数据：%1</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::JobsModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>流水线</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>Next fire</source>
        <translation>下次触发</translation>
    </message>
    <message>
        <source>Last state</source>
        <translation>最近状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>最近运行时间</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::JobsView</name>
    <message>
        <source>Filter by name, pipeline, schedule, labels…</source>
        <translation>按名称、流水线、调度、标签筛选…</translation>
    </message>
    <message>
        <source>Run now</source>
        <translation>立即运行</translation>
    </message>
    <message>
        <source>Start a run of the selected job now (Ctrl+R)</source>
        <translation>立即运行所选作业 (Ctrl+R)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the runs of the selected job</source>
        <translation>停止所选作业的运行</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>禁用</translation>
    </message>
    <message>
        <source>Show runs</source>
        <translation>显示运行记录</translation>
    </message>
    <message>
        <source>Could not start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>Could not stop %1: %2</source>
        <translation>无法停止 %1：%2</translation>
    </message>
    <message>
        <source>Could not enable %1: %2</source>
        <translation>无法启用 %1：%2</translation>
    </message>
    <message>
        <source>Could not disable %1: %2</source>
        <translation>无法禁用 %1：%2</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>无法读取作业：%1</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::MainWindow</name>
    <message>
        <source>Pipeline editor</source>
        <translation>流水线编辑器</translation>
    </message>
    <message>
        <source>Zoom %1%</source>
        <translation>缩放 %1%</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>YAML</source>
        <translation>YAML</translation>
    </message>
    <message>
        <source>&lt;opened&gt;</source>
        <translation>&lt;已打开&gt;</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>撤销历史</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New pipeline</source>
        <translation>新建流水线(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open YAML…</source>
        <translation>打开 YAML(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save YAML</source>
        <translation>保存 YAML(&amp;S)</translation>
    </message>
    <message>
        <source>Save YAML &amp;as…</source>
        <translation>YAML 另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export image…</source>
        <translation>导出图片(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Add job</source>
        <translation>添加作业(&amp;A)</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>Nothing pasted: %1</source>
        <translation>未粘贴任何内容：%1</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Find job…</source>
        <translation>查找作业(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <source>Zoom to &amp;fit</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Lay out &amp;left to right</source>
        <translation>从左到右布局(&amp;L)</translation>
    </message>
    <message>
        <source>Lay out &amp;top down</source>
        <translation>从上到下布局(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Re-layout all</source>
        <translation>全部重新布局(&amp;R)</translation>
    </message>
    <message>
        <source>Find a job (Ctrl+F)</source>
        <translation>查找作业 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Found &apos;%1&apos;.</source>
        <translation>已找到“%1”。</translation>
    </message>
    <message>
        <source>Open a pipeline</source>
        <translation>打开流水线</translation>
    </message>
    <message>
        <source>Pipeline YAML (*.yaml *.yml)</source>
        <translation>流水线 YAML (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Cannot open the pipeline</source>
        <translation>无法打开流水线</translation>
    </message>
    <message>
        <source>Save the pipeline</source>
        <translation>保存流水线</translation>
    </message>
    <message>
        <source>Cannot save the pipeline</source>
        <translation>无法保存流水线</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Export the graph</source>
        <translation>导出图</translation>
    </message>
    <message>
        <source>SVG image (*.svg);;PNG image (*.png)</source>
        <translation>SVG 图片 (*.svg);;PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The pipeline has changes that are not saved. Save them first?</source>
        <translation>流水线有未保存的更改。是否先保存？</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Pipeline run %1: %2</source>
        <translation>流水线运行 %1：%2</translation>
    </message>
    <message>
        <source>Cannot show the pipeline run</source>
        <translation>无法显示流水线运行</translation>
    </message>
    <message>
        <source>&amp;Master</source>
        <translation>主控(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>连接(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>断开(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Open pipeline…</source>
        <translation>打开流水线(&amp;O)…</translation>
    </message>
    <message>
        <source>Save to &amp;master</source>
        <translation>保存到主控(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Run pipeline</source>
        <translation>运行流水线(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Hide run states</source>
        <translation>隐藏运行状态(&amp;H)</translation>
    </message>
    <message>
        <source>Cannot connect</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>Opened &apos;%1&apos; from the master.</source>
        <translation>已从主控打开“%1”。</translation>
    </message>
    <message>
        <source>Cannot save to the master</source>
        <translation>无法保存到主控</translation>
    </message>
    <message>
        <source>The pipeline has no name.</source>
        <translation>流水线没有名称。</translation>
    </message>
    <message>
        <source>Save to the master</source>
        <translation>保存到主控</translation>
    </message>
    <message>
        <source>Name of the pipeline on the master:</source>
        <translation>流水线在主控上的名称：</translation>
    </message>
    <message>
        <source>The master did not save the pipeline</source>
        <translation>主控没有保存流水线</translation>
    </message>
    <message>
        <source>Saved &apos;%1&apos; to the master.</source>
        <translation>已将“%1”保存到主控。</translation>
    </message>
    <message>
        <source>The pipeline did not start</source>
        <translation>流水线没有启动</translation>
    </message>
    <message>
        <source>%1 (master)</source>
        <translation>%1（主控）</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
    <message>
        <source>Run log</source>
        <translation>运行日志</translation>
    </message>
    <message>
        <source>&apos;%1&apos; has no run in the shown pipeline run.</source>
        <translation>“%1”在显示的流水线运行中没有运行。</translation>
    </message>
    <message>
        <source>&amp;Pipeline editor</source>
        <translation>流水线编辑器(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>作业(&amp;J)</translation>
    </message>
    <message>
        <source>R&amp;uns</source>
        <translation>运行记录(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Nodes</source>
        <translation>节点(&amp;N)</translation>
    </message>
    <message>
        <source>Das&amp;hboard</source>
        <translation>仪表盘(&amp;H)</translation>
    </message>
    <message>
        <source>Pr&amp;eferences…</source>
        <translation>首选项(&amp;E)…</translation>
    </message>
    <message>
        <source>The interface will be shown in the chosen language the next time Orrery starts.</source>
        <translation>下次启动 Orrery 时，界面将以所选语言显示。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::NodesModel</name>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation>空闲内存</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>负载</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Clock skew</source>
        <translation>时钟偏差</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后在线</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Agent %1, up to %2 runs at once</source>
        <translation>代理 %1，最多同时运行 %2 个</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>排空中</translation>
    </message>
    <message>
        <source>drained</source>
        <translation>已排空</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>已吊销</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::NodesView</name>
    <message>
        <source>Filter by name, status, labels…</source>
        <translation>按名称、状态、标签筛选…</translation>
    </message>
    <message>
        <source>Drain</source>
        <translation>排空</translation>
    </message>
    <message>
        <source>Send no new runs to the selected node; running ones finish</source>
        <translation>不再向所选节点派发新运行；正在运行的会完成</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Send runs to the selected node again</source>
        <translation>重新向所选节点派发运行</translation>
    </message>
    <message>
        <source>Could not drain %1: %2</source>
        <translation>无法排空 %1：%2</translation>
    </message>
    <message>
        <source>Could not enable %1: %2</source>
        <translation>无法启用 %1：%2</translation>
    </message>
    <message>
        <source>Could not read the nodes: %1</source>
        <translation>无法读取节点：%1</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::RunLogView</name>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Keep the end of the output in view (F)</source>
        <translation>始终显示输出末尾 (F)</translation>
    </message>
    <message>
        <source>Search the output</source>
        <translation>搜索输出</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一个</translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation>上一个匹配 (Shift+F3)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation>下一个匹配 (F3)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; not found</source>
        <translation>未找到“%1”</translation>
    </message>
    <message>
        <source>--- attempt %1 ---</source>
        <translation>--- 第 %1 次尝试 ---</translation>
    </message>
    <message>
        <source>No run selected</source>
        <translation>未选择运行</translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>output not available: %1</source>
        <translation>输出不可用：%1</translation>
    </message>
    <message>
        <source>the master kept only the start of this output</source>
        <translation>主节点只保存了此输出的开头部分</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::RunsModel</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>尝试</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>触发方式</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>退出码</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::RunsView</name>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>尝试</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Could not read the runs: %1</source>
        <translation>无法读取运行记录：%1</translation>
    </message>
    <message>
        <source>Select a run to see its attempts and output.</source>
        <translation>选择一个运行以查看其尝试和输出。</translation>
    </message>
    <message>
        <source>Run %1 of %2: %3, trigger %4, priority %5, scheduled %6, created %7</source>
        <translation>运行 %1（作业 %2）：%3，触发方式 %4，优先级 %5，计划时间 %6，创建时间 %7</translation>
    </message>
    <message>
        <source>Show output</source>
        <translation>显示输出</translation>
    </message>
    <message>
        <source>Stop run</source>
        <translation>停止运行</translation>
    </message>
    <message>
        <source>Show only this job</source>
        <translation>只显示此作业</translation>
    </message>
    <message>
        <source>Copy run id</source>
        <translation>复制运行 ID</translation>
    </message>
    <message>
        <source>Could not stop run %1: %2</source>
        <translation>无法停止运行 %1：%2</translation>
    </message>
    <message>
        <source>Load older runs</source>
        <translation>加载更早的运行记录</translation>
    </message>
    <message>
        <source>Read the next page of older runs from the master</source>
        <translation>从主控读取下一页更早的运行记录</translation>
    </message>
    <message>
        <source>Could not read older runs: %1</source>
        <translation>无法读取更早的运行记录：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) shown</source>
        <translation>
            <numerusform>已显示 %n 条运行记录</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::SettingsDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>The new language is applied when Orrery is started again.</source>
        <translation>新的语言将在 Orrery 重新启动后生效。</translation>
    </message>
</context>
<context>
    <name>Orrery::Gui::ViewText</name>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>success</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>已丢失</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>never ran</source>
        <translation>从未运行</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>HTTP status %1</source>
        <translation>HTTP 状态 %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Orrery: design and watch job pipelines.</source>
        <translation>Orrery：设计并监视作业流水线。</translation>
    </message>
    <message>
        <source>Language of the interface (en, zh_CN).</source>
        <translation>界面语言（en、zh_CN）。</translation>
    </message>
    <message>
        <source>A pipeline YAML file to open.</source>
        <translation>要打开的流水线 YAML 文件。</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;png&gt; and quit (for the documentation).</source>
        <translation>将窗口截图保存到 &lt;png&gt; 并退出（用于文档）。</translation>
    </message>
    <message>
        <source>Connect to this master (wss://host:port) with the API token in the environment variable ORRERY_TOKEN, instead of the last server used.</source>
        <translation>连接到此主控（wss://主机:端口），使用环境变量 ORRERY_TOKEN 中的 API 令牌，而不是上次使用的服务器。</translation>
    </message>
    <message>
        <source>With --server: trust the CA in this file.</source>
        <translation>与 --server 一起使用：信任此文件中的 CA。</translation>
    </message>
    <message>
        <source>With --server: trust the certificate with this SHA-256 fingerprint.</source>
        <translation>与 --server 一起使用：信任具有此 SHA-256 指纹的证书。</translation>
    </message>
    <message>
        <source>Show the states of this pipeline run on the graph.</source>
        <translation>在图上显示此流水线运行的状态。</translation>
    </message>
    <message>
        <source>The page to show first: editor, jobs, runs, nodes or dashboard.</source>
        <translation>首先显示的页面：editor、jobs、runs、nodes 或 dashboard。</translation>
    </message>
</context>
</TS>

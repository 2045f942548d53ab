using Microsoft.Data.Sqlite;
using SocialMcp.Core.Media;
using SocialMcp.Core.Storage;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// Gives each unit of work one connection; writes run inside one BEGIN IMMEDIATE transaction. SQLite allows one writer
/// at a time: writers of this process queue on an async lock first, so a waiting writer parks no thread (SQLite's busy
/// handler sleeps the thread it runs on) and the lock passes on in order. The busy timeout still arbitrates between
/// processes sharing the file.
/// </summary>
public sealed class SqliteStore(SqliteConnectionFactory connections) : IStore
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public async Task<T> ReadAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await work(new SqliteSession(new DbContext(connection, null)));
    }

    public async Task<T> WriteAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            // Immediate: take the write lock up front, so a read-then-write never deadlocks on a lock upgrade.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(new SqliteSession(new DbContext(connection, transaction)));
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }
}

/// <summary>The connection and (for writes) the transaction every repository of one unit of work uses.</summary>
public sealed record DbContext(SqliteConnection Connection, SqliteTransaction? Transaction);

/// <summary>A unit of work's repositories, each made on first use (most units of work touch two or three).</summary>
internal sealed class SqliteSession(DbContext db) : IStoreSession
{
    public IWorkspaceRepository Workspaces => field ??= new WorkspaceRepository(db);
    public IPlatformSetRepository PlatformSets => field ??= new PlatformSetRepository(db);
    public IAccountRepository Accounts => field ??= new AccountRepository(db);
    public IPostRepository Posts => field ??= new PostRepository(db);
    public IPostTargetRepository Targets => field ??= new PostTargetRepository(db);
    public IPostEventRepository Events => field ??= new PostEventRepository(db);
    public IApiKeyRepository ApiKeys => field ??= new ApiKeyRepository(db);
    public IAuditLogRepository Audit => field ??= new AuditLogRepository(db);
    public IPublishHandleRepository Handles => field ??= new PublishHandleRepository(db);
    public IIdempotencyKeyRepository IdempotencyKeys => field ??= new IdempotencyKeyRepository(db);
    public IConnectRepository Connects => field ??= new ConnectRepository(db);
    public IMediaRepository Media => field ??= new MediaRepository(db);
    public ITargetStepRepository Steps => field ??= new TargetStepRepository(db);
    public IPostingScheduleRepository PostingSchedules => field ??= new PostingScheduleRepository(db);
    public IRunnerRepository Runners => field ??= new RunnerRepository(db);
    public SocialMcp.Core.Webhooks.IWebhookRepository Webhooks => field ??= new WebhookRepository(db);
    public IAlarmRepository Alarms => field ??= new AlarmRepository(db);
}

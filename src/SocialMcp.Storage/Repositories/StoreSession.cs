using SocialMcp.Core.Media;
using SocialMcp.Core.Storage;

namespace SocialMcp.Storage.Repositories;

/// <summary>A unit of work's repositories, each made on first use (most units of work touch two or three). Shared by both engines.</summary>
internal sealed class StoreSession(DbContext db) : IStoreSession
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

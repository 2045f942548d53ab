using Dapper;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Sqlite.DbValues;

namespace SocialMcp.Storage.Sqlite;

internal sealed class WorkspaceRepository(DbContext db) : IWorkspaceRepository
{
    public async Task<Workspace?> GetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<WorkspaceRow>(Command(db,
            "SELECT id AS Id, name AS Name, created_at AS CreatedAt FROM workspaces WHERE id = @workspaceId;",
            new { workspaceId }, cancellationToken));
        return row is null ? null : new Workspace(row.Id, row.Name, ParseTime(row.CreatedAt));
    }

    public async Task<Workspace?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<WorkspaceRow>(Command(db,
            "SELECT id AS Id, name AS Name, created_at AS CreatedAt FROM workspaces WHERE name = @name;",
            new { name }, cancellationToken));
        return row is null ? null : new Workspace(row.Id, row.Name, ParseTime(row.CreatedAt));
    }

    public async Task<IReadOnlyList<Workspace>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<WorkspaceRow>(Command(db,
            "SELECT id AS Id, name AS Name, created_at AS CreatedAt FROM workspaces ORDER BY created_at, id;", null, cancellationToken));
        return rows.Select(r => new Workspace(r.Id, r.Name, ParseTime(r.CreatedAt))).ToList();
    }

    public Task InsertAsync(Workspace workspace, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "INSERT INTO workspaces (id, name, created_at) VALUES (@Id, @Name, @CreatedAt);",
            new { workspace.Id, workspace.Name, CreatedAt = Time(workspace.CreatedAt) }, cancellationToken));

    private sealed class WorkspaceRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string CreatedAt { get; init; } = "";
    }
}

internal sealed class PlatformSetRepository(DbContext db) : IPlatformSetRepository
{
    private const string Columns = "id AS Id, workspace_id AS WorkspaceId, name AS Name, is_default AS IsDefault, created_at AS CreatedAt";

    public async Task<PlatformSet?> GetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<SetRow>(Command(db,
            $"SELECT {Columns} FROM platform_sets WHERE workspace_id = @workspaceId AND id = @platformSetId;",
            new { workspaceId, platformSetId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<PlatformSet?> GetDefaultAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<SetRow>(Command(db,
            $"SELECT {Columns} FROM platform_sets WHERE workspace_id = @workspaceId AND is_default = 1;",
            new { workspaceId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<PlatformSetSummary>> ListWithAccountCountsAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<SetWithCountRow>(Command(db,
            """
            SELECT s.id AS Id, s.workspace_id AS WorkspaceId, s.name AS Name, s.is_default AS IsDefault, s.created_at AS CreatedAt,
                   (SELECT COUNT(*) FROM accounts a WHERE a.platform_set_id = s.id) AS AccountCount
            FROM platform_sets s
            WHERE s.workspace_id = @workspaceId
            ORDER BY s.is_default DESC, s.name;
            """,
            new { workspaceId }, cancellationToken));
        return rows.Select(r => new PlatformSetSummary(
            new PlatformSet(r.Id, r.WorkspaceId, r.Name, r.IsDefault != 0, ParseTime(r.CreatedAt)), (int)r.AccountCount)).ToList();
    }

    public async Task<PlatformSet?> FindByNameAsync(string workspaceId, string name, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<SetRow>(Command(db,
            $"SELECT {Columns} FROM platform_sets WHERE workspace_id = @workspaceId AND name = @name;",
            new { workspaceId, name }, cancellationToken));
        return row?.ToDomain();
    }

    public Task<int> CountAsync(string workspaceId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            "SELECT COUNT(*) FROM platform_sets WHERE workspace_id = @workspaceId;", new { workspaceId }, cancellationToken));

    public async Task<bool> RenameAsync(string workspaceId, string platformSetId, string name, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE platform_sets SET name = @name WHERE workspace_id = @workspaceId AND id = @platformSetId;",
            new { workspaceId, platformSetId, name }, cancellationToken)) == 1;

    public Task<int> CountPostsUsingAsync(string platformSetId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            "SELECT COUNT(*) FROM posts WHERE platform_set_id = @platformSetId;", new { platformSetId }, cancellationToken));

    public async Task<bool> DeleteAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "DELETE FROM platform_sets WHERE workspace_id = @workspaceId AND id = @platformSetId AND is_default = 0;",
            new { workspaceId, platformSetId }, cancellationToken)) == 1;

    // Two statements, not one CASE update: SQLite checks the one-default-per-workspace index row by row.
    public Task<int> ClearDefaultAsync(string workspaceId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "UPDATE platform_sets SET is_default = 0 WHERE workspace_id = @workspaceId AND is_default = 1;",
            new { workspaceId }, cancellationToken));

    public async Task<bool> MarkDefaultAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE platform_sets SET is_default = 1 WHERE workspace_id = @workspaceId AND id = @platformSetId;",
            new { workspaceId, platformSetId }, cancellationToken)) == 1;

    public Task InsertAsync(PlatformSet set, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "INSERT INTO platform_sets (id, workspace_id, name, is_default, created_at) VALUES (@Id, @WorkspaceId, @Name, @IsDefault, @CreatedAt);",
            new { set.Id, set.WorkspaceId, set.Name, IsDefault = set.IsDefault ? 1 : 0, CreatedAt = Time(set.CreatedAt) }, cancellationToken));

    private sealed class SetRow
    {
        public string Id { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string Name { get; init; } = "";
        public long IsDefault { get; init; }
        public string CreatedAt { get; init; } = "";

        public PlatformSet ToDomain() => new(Id, WorkspaceId, Name, IsDefault != 0, ParseTime(CreatedAt));
    }

    private sealed class SetWithCountRow
    {
        public string Id { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string Name { get; init; } = "";
        public long IsDefault { get; init; }
        public string CreatedAt { get; init; } = "";
        public long AccountCount { get; init; }
    }
}

internal sealed class AccountRepository(DbContext db) : IAccountRepository
{
    private const string Columns =
        """
        id AS Id, workspace_id AS WorkspaceId, platform_set_id AS PlatformSetId, platform AS Platform, handle AS Handle,
        platform_account_id AS PlatformAccountId, token_reference AS TokenReference, token_expires_at AS TokenExpiresAt,
        is_sandbox AS IsSandbox, metadata AS Metadata, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public async Task<Account?> GetAsync(string workspaceId, string accountId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<AccountRow>(Command(db,
            $"SELECT {Columns} FROM accounts WHERE workspace_id = @workspaceId AND id = @accountId;",
            new { workspaceId, accountId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Account>> ListInSetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<AccountRow>(Command(db,
            $"SELECT {Columns} FROM accounts WHERE workspace_id = @workspaceId AND platform_set_id = @platformSetId ORDER BY platform;",
            new { workspaceId, platformSetId }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<Account>> ListAsync(string workspaceId, Platform? platform, string? platformSetId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<AccountRow>(Command(db,
            $"""
            SELECT {Columns} FROM accounts
            WHERE workspace_id = @workspaceId
              AND (@platform IS NULL OR platform = @platform)
              AND (@platformSetId IS NULL OR platform_set_id = @platformSetId)
            ORDER BY platform_set_id, platform;
            """,
            new { workspaceId, platform = platform?.ToWireName(), platformSetId }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task InsertAsync(Account account, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO accounts (id, workspace_id, platform_set_id, platform, handle, platform_account_id, token_reference,
                                  token_expires_at, is_sandbox, metadata, created_at, updated_at)
            VALUES (@Id, @WorkspaceId, @PlatformSetId, @Platform, @Handle, @PlatformAccountId, @TokenReference,
                    @TokenExpiresAt, @IsSandbox, @Metadata, @CreatedAt, @UpdatedAt);
            """,
            new
            {
                account.Id,
                account.WorkspaceId,
                account.PlatformSetId,
                Platform = account.Platform.ToWireName(),
                account.Handle,
                account.PlatformAccountId,
                account.TokenReference,
                TokenExpiresAt = Time(account.TokenExpiresAt),
                IsSandbox = account.IsSandbox ? 1 : 0,
                Metadata = account.Metadata.GetRawText(),
                CreatedAt = Time(account.CreatedAt),
                UpdatedAt = Time(account.UpdatedAt),
            }, cancellationToken));

    public async Task<bool> UpdateMetadataAsync(string workspaceId, string accountId, string metadataJson, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE accounts SET metadata = @metadataJson, updated_at = @updatedAt WHERE workspace_id = @workspaceId AND id = @accountId;",
            new { workspaceId, accountId, metadataJson, updatedAt = Time(updatedAt) }, cancellationToken)) == 1;

    public Task<int> DeleteInSetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "DELETE FROM accounts WHERE workspace_id = @workspaceId AND platform_set_id = @platformSetId;",
            new { workspaceId, platformSetId }, cancellationToken));

    public async Task<bool> MarkTokenExpiredAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE accounts SET token_expires_at = @now, updated_at = @now WHERE id = @accountId;",
            new { accountId, now = Time(now) }, cancellationToken)) == 1;

    public Task<int> CountTargetsUsingAsync(string accountId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            "SELECT COUNT(*) FROM post_targets WHERE account_id = @accountId;", new { accountId }, cancellationToken));

    public async Task<bool> DeleteAsync(string workspaceId, string accountId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "DELETE FROM accounts WHERE workspace_id = @workspaceId AND id = @accountId;", new { workspaceId, accountId }, cancellationToken)) == 1;

    private sealed class AccountRow
    {
        public string Id { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string PlatformSetId { get; init; } = "";
        public string Platform { get; init; } = "";
        public string Handle { get; init; } = "";
        public string PlatformAccountId { get; init; } = "";
        public string? TokenReference { get; init; }
        public string? TokenExpiresAt { get; init; }
        public long IsSandbox { get; init; }
        public string Metadata { get; init; } = "";
        public string CreatedAt { get; init; } = "";
        public string UpdatedAt { get; init; } = "";

        public Account ToDomain() => new Account
        {
            Id = Id,
            WorkspaceId = WorkspaceId,
            PlatformSetId = PlatformSetId,
            Platform = PlatformNames.Parse(Platform),
            Handle = Handle,
            PlatformAccountId = PlatformAccountId,
            TokenReference = TokenReference,
            TokenExpiresAt = ParseOptionalTime(TokenExpiresAt),
            IsSandbox = IsSandbox != 0,
            Metadata = JsonElement(Metadata),
            CreatedAt = ParseTime(CreatedAt),
            UpdatedAt = ParseTime(UpdatedAt),
        };
    }
}

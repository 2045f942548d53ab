using Dapper;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

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
            $"SELECT {Columns} FROM platform_sets WHERE workspace_id = @workspaceId AND is_default = TRUE;",
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
            "DELETE FROM platform_sets WHERE workspace_id = @workspaceId AND id = @platformSetId AND is_default = FALSE;",
            new { workspaceId, platformSetId }, cancellationToken)) == 1;

    // Two statements, not one CASE update: SQLite checks the one-default-per-workspace index row by row.
    public Task<int> ClearDefaultAsync(string workspaceId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "UPDATE platform_sets SET is_default = FALSE WHERE workspace_id = @workspaceId AND is_default = TRUE;",
            new { workspaceId }, cancellationToken));

    public async Task<bool> MarkDefaultAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE platform_sets SET is_default = TRUE WHERE workspace_id = @workspaceId AND id = @platformSetId;",
            new { workspaceId, platformSetId }, cancellationToken)) == 1;

    public Task InsertAsync(PlatformSet set, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "INSERT INTO platform_sets (id, workspace_id, name, is_default, created_at) VALUES (@Id, @WorkspaceId, @Name, @IsDefault, @CreatedAt);",
            new { set.Id, set.WorkspaceId, set.Name, IsDefault = set.IsDefault, CreatedAt = Time(set.CreatedAt) }, cancellationToken));

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
        is_sandbox AS IsSandbox, metadata AS Metadata, created_at AS CreatedAt, updated_at AS UpdatedAt,
        refresh_model AS RefreshModel, refresh_token_reference AS RefreshTokenReference, refresh_expires_at AS RefreshExpiresAt,
        token_scopes AS TokenScopes, token_version AS TokenVersion, refresh_failures AS RefreshFailures,
        last_refresh_error AS LastRefreshError, last_refresh_attempt_at AS LastRefreshAttemptAt, last_refreshed_at AS LastRefreshedAt,
        reconnect_required AS ReconnectRequired
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

    public async Task<IReadOnlyList<Account>> ListRealOutsideSetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<AccountRow>(Command(db,
            $"""
            SELECT {Columns} FROM accounts
            WHERE workspace_id = @workspaceId AND is_sandbox = FALSE AND platform_set_id <> @platformSetId
            ORDER BY platform_set_id, platform;
            """,
            new { workspaceId, platformSetId }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task InsertAsync(Account account, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO accounts (id, workspace_id, platform_set_id, platform, handle, platform_account_id, token_reference,
                                  token_expires_at, is_sandbox, metadata, created_at, updated_at,
                                  refresh_model, refresh_token_reference, refresh_expires_at, token_scopes, token_version,
                                  refresh_failures, last_refresh_error, last_refresh_attempt_at, last_refreshed_at, reconnect_required)
            VALUES (@Id, @WorkspaceId, @PlatformSetId, @Platform, @Handle, @PlatformAccountId, @TokenReference,
                    @TokenExpiresAt, @IsSandbox, @Metadata, @CreatedAt, @UpdatedAt,
                    @RefreshModel, @RefreshTokenReference, @RefreshExpiresAt, @TokenScopes, @TokenVersion,
                    @RefreshFailures, @LastRefreshError, @LastRefreshAttemptAt, @LastRefreshedAt, @ReconnectRequired);
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
                IsSandbox = account.IsSandbox,
                Metadata = account.Metadata.GetRawText(),
                CreatedAt = Time(account.CreatedAt),
                UpdatedAt = Time(account.UpdatedAt),
                RefreshModel = account.RefreshModel?.ToWireName(),
                account.RefreshTokenReference,
                RefreshExpiresAt = Time(account.RefreshExpiresAt),
                TokenScopes = Json(account.TokenScopes),
                account.TokenVersion,
                account.RefreshFailures,
                account.LastRefreshError,
                LastRefreshAttemptAt = Time(account.LastRefreshAttemptAt),
                LastRefreshedAt = Time(account.LastRefreshedAt),
                ReconnectRequired = account.ReconnectRequired,
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

    public async Task<Account?> GetByIdAsync(string accountId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<AccountRow>(Command(db,
            $"SELECT {Columns} FROM accounts WHERE id = @accountId;", new { accountId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<Account?> FindByIdentityAsync(string workspaceId, Platform platform, string platformAccountId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QueryFirstOrDefaultAsync<AccountRow>(Command(db,
            $"""
            SELECT {Columns} FROM accounts
            WHERE workspace_id = @workspaceId AND platform = @platform AND platform_account_id = @platformAccountId AND is_sandbox = FALSE
            ORDER BY created_at LIMIT 1;
            """,
            new { workspaceId, platform = platform.ToWireName(), platformAccountId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Account>> ListTokenTroubleAsync(int failureThreshold, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<AccountRow>(Command(db,
            $"""
            SELECT {Columns} FROM accounts
            WHERE is_sandbox = FALSE AND (reconnect_required = TRUE OR refresh_failures >= @failureThreshold)
            ORDER BY workspace_id, platform;
            """, new { failureThreshold }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<Account>> ListRefreshableAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<AccountRow>(Command(db,
            $"""
            SELECT {Columns} FROM accounts
            WHERE is_sandbox = FALSE AND reconnect_required = FALSE
              AND refresh_model IN ('refresh_token', 'rotating_refresh_token', 'extend_access_token')
            ORDER BY token_expires_at;
            """, null, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public async Task<bool> TryTakeRefreshLeaseAsync(
        string accountId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken, string? takeOverFrom = null) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE accounts SET refresh_lease_owner = @owner, refresh_lease_until = @leaseUntil, last_refresh_attempt_at = @now
            WHERE id = @accountId
              AND (refresh_lease_owner IS NULL OR refresh_lease_owner = @owner OR refresh_lease_until <= @now
                   OR refresh_lease_owner = @takeOverFrom);
            """,
            new { accountId, owner, now = Time(now), leaseUntil = Time(leaseUntil), takeOverFrom }, cancellationToken)) == 1;

    public Task<string?> GetRefreshLeaseOwnerAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<string?>(Command(db,
            "SELECT refresh_lease_owner FROM accounts WHERE id = @accountId AND refresh_lease_until > @now;",
            new { accountId, now = Time(now) }, cancellationToken));

    public async Task<bool> ReleaseRefreshLeaseAsync(string accountId, string owner, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE accounts SET refresh_lease_owner = NULL, refresh_lease_until = NULL WHERE id = @accountId AND refresh_lease_owner = @owner;",
            new { accountId, owner }, cancellationToken)) == 1;

    // Written whoever holds the lease now: a rotated refresh token is the only one that still works, so it is never dropped.
    public async Task<bool> StoreRenewedTokensAsync(RenewedTokens renewed, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE accounts SET
                token_reference = @AccessTokenReference,
                token_expires_at = @AccessExpiresAt,
                refresh_token_reference = COALESCE(@RefreshTokenReference, refresh_token_reference),
                refresh_expires_at = COALESCE(@RefreshExpiresAt, CASE WHEN @RefreshTokenReference IS NULL THEN refresh_expires_at ELSE NULL END),
                token_scopes = CASE WHEN @Scopes = '[]' THEN token_scopes ELSE @Scopes END,
                token_version = token_version + 1,
                refresh_failures = 0,
                last_refresh_error = NULL,
                last_refreshed_at = @RenewedAt,
                reconnect_required = FALSE,
                updated_at = @RenewedAt,
                refresh_lease_owner = CASE WHEN refresh_lease_owner = @LeaseOwner THEN NULL ELSE refresh_lease_owner END,
                refresh_lease_until = CASE WHEN refresh_lease_owner = @LeaseOwner THEN NULL ELSE refresh_lease_until END
            WHERE id = @AccountId;
            """,
            new
            {
                renewed.AccountId,
                renewed.AccessTokenReference,
                AccessExpiresAt = Time(renewed.AccessExpiresAt),
                renewed.RefreshTokenReference,
                RefreshExpiresAt = Time(renewed.RefreshExpiresAt),
                Scopes = Json(renewed.Scopes),
                RenewedAt = Time(renewed.RenewedAt),
                renewed.LeaseOwner,
            }, cancellationToken)) == 1;

    public async Task<bool> RecordRefreshFailureAsync(
        string accountId, string owner, int seenTokenVersion, string error, bool reconnectRequired, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE accounts SET
                refresh_failures = CASE WHEN token_version = @seenTokenVersion THEN refresh_failures + 1 ELSE refresh_failures END,
                last_refresh_error = CASE WHEN token_version = @seenTokenVersion THEN @error ELSE last_refresh_error END,
                reconnect_required = CASE WHEN token_version = @seenTokenVersion AND @reconnectRequired THEN TRUE ELSE reconnect_required END,
                refresh_lease_owner = CASE WHEN refresh_lease_owner = @owner THEN NULL ELSE refresh_lease_owner END,
                refresh_lease_until = CASE WHEN refresh_lease_owner = @owner THEN NULL ELSE refresh_lease_until END
            WHERE id = @accountId;
            """,
            new { accountId, owner, seenTokenVersion, error, reconnectRequired }, cancellationToken)) == 1;

    public async Task<bool> MarkReconnectRequiredAsync(string accountId, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE accounts SET reconnect_required = TRUE, last_refresh_error = @error, updated_at = @now WHERE id = @accountId;",
            new { accountId, error, now = Time(now) }, cancellationToken)) == 1;

    public async Task<bool> RenewInPlaceAsync(Account account, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE accounts SET
                handle = @Handle, token_reference = @TokenReference, token_expires_at = @TokenExpiresAt, metadata = @Metadata,
                refresh_model = @RefreshModel, refresh_token_reference = @RefreshTokenReference, refresh_expires_at = @RefreshExpiresAt,
                token_scopes = @TokenScopes, token_version = token_version + 1, refresh_failures = 0, last_refresh_error = NULL,
                last_refreshed_at = @LastRefreshedAt, reconnect_required = FALSE, updated_at = @UpdatedAt
            WHERE workspace_id = @WorkspaceId AND id = @Id;
            """,
            new
            {
                account.Id,
                account.WorkspaceId,
                account.Handle,
                account.TokenReference,
                TokenExpiresAt = Time(account.TokenExpiresAt),
                Metadata = account.Metadata.GetRawText(),
                RefreshModel = account.RefreshModel?.ToWireName(),
                account.RefreshTokenReference,
                RefreshExpiresAt = Time(account.RefreshExpiresAt),
                TokenScopes = Json(account.TokenScopes),
                LastRefreshedAt = Time(account.LastRefreshedAt),
                UpdatedAt = Time(account.UpdatedAt),
            }, cancellationToken)) == 1;

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
        public string? RefreshModel { get; init; }
        public string? RefreshTokenReference { get; init; }
        public string? RefreshExpiresAt { get; init; }
        public string TokenScopes { get; init; } = "[]";
        public long TokenVersion { get; init; }
        public long RefreshFailures { get; init; }
        public string? LastRefreshError { get; init; }
        public string? LastRefreshAttemptAt { get; init; }
        public string? LastRefreshedAt { get; init; }
        public long ReconnectRequired { get; init; }

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
            RefreshModel = RefreshModelNames.ParseOrNull(RefreshModel),
            RefreshTokenReference = RefreshTokenReference,
            RefreshExpiresAt = ParseOptionalTime(RefreshExpiresAt),
            TokenScopes = FromJson<List<string>>(TokenScopes),
            TokenVersion = (int)TokenVersion,
            RefreshFailures = (int)RefreshFailures,
            LastRefreshError = LastRefreshError,
            LastRefreshAttemptAt = ParseOptionalTime(LastRefreshAttemptAt),
            LastRefreshedAt = ParseOptionalTime(LastRefreshedAt),
            ReconnectRequired = ReconnectRequired != 0,
        };
    }
}

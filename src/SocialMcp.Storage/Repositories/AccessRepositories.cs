using Dapper;
using SocialMcp.Core.Access;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class ApiKeyRepository(DbContext db) : IApiKeyRepository
{
    private const string Columns =
        "id AS Id, workspace_id AS WorkspaceId, name AS Name, scopes AS Scopes, secret_hash AS SecretHash, created_at AS CreatedAt, revoked_at AS RevokedAt";

    public async Task<ApiKey?> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<KeyRow>(Command(db,
            $"SELECT {Columns} FROM api_keys WHERE id = @keyId;", new { keyId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string? workspaceId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<KeyRow>(Command(db,
            $"SELECT {Columns} FROM api_keys WHERE @workspaceId IS NULL OR workspace_id = @workspaceId ORDER BY workspace_id, created_at;",
            new { workspaceId }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task InsertAsync(ApiKey key, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO api_keys (id, workspace_id, name, scopes, secret_hash, created_at, revoked_at)
            VALUES (@Id, @WorkspaceId, @Name, @Scopes, @SecretHash, @CreatedAt, @RevokedAt);
            """,
            new
            {
                key.Id,
                key.WorkspaceId,
                key.Name,
                Scopes = Json(key.Scopes),
                key.SecretHash,
                CreatedAt = Time(key.CreatedAt),
                RevokedAt = Time(key.RevokedAt),
            }, cancellationToken));

    public async Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE api_keys SET revoked_at = @revokedAt WHERE id = @keyId AND revoked_at IS NULL;",
            new { keyId, revokedAt = Time(revokedAt) }, cancellationToken)) == 1;

    private sealed class KeyRow
    {
        public string Id { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string Name { get; init; } = "";
        public string Scopes { get; init; } = "[]";
        public string SecretHash { get; init; } = "";
        public string CreatedAt { get; init; } = "";
        public string? RevokedAt { get; init; }

        public ApiKey ToDomain() => new ApiKey
        {
            Id = Id,
            WorkspaceId = WorkspaceId,
            Name = Name,
            Scopes = FromJson<List<string>>(Scopes),
            SecretHash = SecretHash,
            CreatedAt = ParseTime(CreatedAt),
            RevokedAt = ParseOptionalTime(RevokedAt),
        };
    }
}

internal sealed class AuditLogRepository(DbContext db) : IAuditLogRepository
{
    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db, InsertAuditRow + ";", AuditParameters(entry), cancellationToken));

    public Task<long> InsertAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<long>(Command(db, InsertAuditRow + " RETURNING id;", AuditParameters(entry), cancellationToken));

    private const string InsertAuditRow =
        """
        INSERT INTO audit_log (workspace_id, key_id, client_name, client_version, session_id, tool, outcome, duration_ms, occurred_at)
        VALUES (@WorkspaceId, @KeyId, @ClientName, @ClientVersion, @SessionId, @Tool, @Outcome, @DurationMs, @OccurredAt)
        """;

    private static object AuditParameters(AuditEntry entry) => new
    {
        entry.WorkspaceId,
        entry.KeyId,
        entry.ClientName,
        entry.ClientVersion,
        entry.SessionId,
        entry.Tool,
        entry.Outcome,
        entry.DurationMs,
        OccurredAt = Time(entry.OccurredAt),
    };

    public Task SetOutcomeAsync(long id, string outcome, double durationMs, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "UPDATE audit_log SET outcome = @outcome, duration_ms = @durationMs WHERE id = @id;",
            new { id, outcome, durationMs }, cancellationToken));

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string workspaceId, int limit, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<AuditRow>(Command(db,
            """
            SELECT workspace_id AS WorkspaceId, key_id AS KeyId, client_name AS ClientName, client_version AS ClientVersion,
                   session_id AS SessionId, tool AS Tool, outcome AS Outcome, duration_ms AS DurationMs, occurred_at AS OccurredAt
            FROM audit_log WHERE workspace_id = @workspaceId ORDER BY id DESC LIMIT @limit;
            """,
            new { workspaceId, limit }, cancellationToken));
        return rows.Select(r => new AuditEntry
        {
            WorkspaceId = r.WorkspaceId,
            KeyId = r.KeyId,
            ClientName = r.ClientName,
            ClientVersion = r.ClientVersion,
            SessionId = r.SessionId,
            Tool = r.Tool,
            Outcome = r.Outcome,
            DurationMs = r.DurationMs,
            OccurredAt = ParseTime(r.OccurredAt),
        }).ToList();
    }

    private sealed class AuditRow
    {
        public string WorkspaceId { get; init; } = "";
        public string? KeyId { get; init; }
        public string? ClientName { get; init; }
        public string? ClientVersion { get; init; }
        public string? SessionId { get; init; }
        public string Tool { get; init; } = "";
        public string Outcome { get; init; } = "";
        public double DurationMs { get; init; }
        public string OccurredAt { get; init; } = "";
    }
}

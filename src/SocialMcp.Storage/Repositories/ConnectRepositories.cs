using Dapper;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class ConnectRepository(DbContext db) : IConnectRepository
{
    private const string Columns =
        """
        id AS Id, state_hash AS StateHash, workspace_id AS WorkspaceId, platform AS Platform, platform_set_id AS PlatformSetId,
        platform_set_name AS PlatformSetName, channel AS Channel, redirect_uri AS RedirectUri, verifier_reference AS VerifierReference,
        status AS Status, expires_at AS ExpiresAt, created_at AS CreatedAt, completed_at AS CompletedAt, account_id AS AccountId,
        renewed AS Renewed, problem_code AS ProblemCode, problem_message AS ProblemMessage, problem_hint AS ProblemHint,
        choices AS Choices, pending_grant_reference AS PendingGrantReference
        """;

    public Task InsertAsync(ConnectRecord connect, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO account_connects (id, state_hash, workspace_id, platform, platform_set_id, platform_set_name, channel,
                                          redirect_uri, verifier_reference, status, expires_at, created_at, completed_at, account_id,
                                          renewed, problem_code, problem_message, problem_hint, choices, pending_grant_reference)
            VALUES (@Id, @StateHash, @WorkspaceId, @Platform, @PlatformSetId, @PlatformSetName, @Channel,
                    @RedirectUri, @VerifierReference, @Status, @ExpiresAt, @CreatedAt, @CompletedAt, @AccountId,
                    @Renewed, @ProblemCode, @ProblemMessage, @ProblemHint, @Choices, @PendingGrantReference);
            """,
            Parameters(connect), cancellationToken));

    public async Task<ConnectRecord?> GetAsync(string workspaceId, string connectId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<ConnectRow>(Command(db,
            $"SELECT {Columns} FROM account_connects WHERE workspace_id = @workspaceId AND id = @connectId;",
            new { workspaceId, connectId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<ConnectRecord?> FindByStateHashAsync(string stateHash, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<ConnectRow>(Command(db,
            $"SELECT {Columns} FROM account_connects WHERE state_hash = @stateHash;", new { stateHash }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<ConnectRecord?> ConsumeAsync(string stateHash, Platform platform, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<ConnectRow>(Command(db,
            $"""
            UPDATE account_connects SET status = 'exchanging'
            WHERE state_hash = @stateHash AND platform = @platform AND status = 'pending' AND expires_at > @now
            RETURNING {Columns};
            """,
            new { stateHash, platform = platform.ToWireName(), now = Time(now) }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<bool> TakeChoiceAsync(string workspaceId, string connectId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE account_connects SET status = 'exchanging' WHERE workspace_id = @workspaceId AND id = @connectId AND status = 'choice_required';",
            new { workspaceId, connectId }, cancellationToken)) == 1;

    public async Task<bool> UpdateOutcomeAsync(ConnectRecord connect, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE account_connects SET status = @Status, completed_at = @CompletedAt, account_id = @AccountId, renewed = @Renewed,
                problem_code = @ProblemCode, problem_message = @ProblemMessage, problem_hint = @ProblemHint, choices = @Choices,
                pending_grant_reference = @PendingGrantReference, platform_set_id = @PlatformSetId
            WHERE id = @Id;
            """,
            Parameters(connect), cancellationToken)) == 1;

    private static object Parameters(ConnectRecord connect) => new
    {
        connect.Id,
        connect.StateHash,
        connect.WorkspaceId,
        Platform = connect.Platform.ToWireName(),
        connect.PlatformSetId,
        connect.PlatformSetName,
        Channel = connect.Channel.ToString().ToLowerInvariant(),
        RedirectUri = connect.RedirectUri.AbsoluteUri,
        connect.VerifierReference,
        connect.Status,
        ExpiresAt = Time(connect.ExpiresAt),
        CreatedAt = Time(connect.CreatedAt),
        CompletedAt = Time(connect.CompletedAt),
        connect.AccountId,
        Renewed = connect.Renewed,
        connect.ProblemCode,
        connect.ProblemMessage,
        connect.ProblemHint,
        Choices = Json(connect.Choices),
        connect.PendingGrantReference,
    };

    private sealed class ConnectRow
    {
        public string Id { get; init; } = "";
        public string StateHash { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string Platform { get; init; } = "";
        public string? PlatformSetId { get; init; }
        public string? PlatformSetName { get; init; }
        public string Channel { get; init; } = "";
        public string RedirectUri { get; init; } = "";
        public string VerifierReference { get; init; } = "";
        public string Status { get; init; } = "";
        public string ExpiresAt { get; init; } = "";
        public string CreatedAt { get; init; } = "";
        public string? CompletedAt { get; init; }
        public string? AccountId { get; init; }
        public long Renewed { get; init; }
        public string? ProblemCode { get; init; }
        public string? ProblemMessage { get; init; }
        public string? ProblemHint { get; init; }
        public string Choices { get; init; } = "[]";
        public string? PendingGrantReference { get; init; }

        public ConnectRecord ToDomain() => new()
        {
            Id = Id,
            StateHash = StateHash,
            WorkspaceId = WorkspaceId,
            Platform = PlatformNames.Parse(Platform),
            PlatformSetId = PlatformSetId,
            PlatformSetName = PlatformSetName,
            Channel = Enum.Parse<ConnectChannel>(Channel, ignoreCase: true),
            RedirectUri = new Uri(RedirectUri),
            VerifierReference = VerifierReference,
            Status = Status,
            ExpiresAt = ParseTime(ExpiresAt),
            CreatedAt = ParseTime(CreatedAt),
            CompletedAt = ParseOptionalTime(CompletedAt),
            AccountId = AccountId,
            Renewed = Renewed != 0,
            ProblemCode = ProblemCode,
            ProblemMessage = ProblemMessage,
            ProblemHint = ProblemHint,
            Choices = FromJson<List<IdentityChoice>>(Choices),
            PendingGrantReference = PendingGrantReference,
        };
    }
}

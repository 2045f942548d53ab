using Dapper;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class RunnerRepository(DbContext db) : IRunnerRepository
{
    public Task HeartbeatAsync(RunnerRecord runner, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO scheduler_runners (owner, kind, started_at, last_seen_at) VALUES (@Owner, @Kind, @StartedAt, @LastSeenAt)
            ON CONFLICT (owner) DO UPDATE SET last_seen_at = excluded.last_seen_at;
            """,
            new { runner.Owner, runner.Kind, StartedAt = Time(runner.StartedAt), LastSeenAt = Time(runner.LastSeenAt) }, cancellationToken));

    public async Task<RunnerRecord?> GetLatestAsync(string kind, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QueryFirstOrDefaultAsync<RunnerRow>(Command(db,
            """
            SELECT owner AS Owner, kind AS Kind, started_at AS StartedAt, last_seen_at AS LastSeenAt
            FROM scheduler_runners WHERE kind = @kind ORDER BY last_seen_at DESC LIMIT 1;
            """,
            new { kind }, cancellationToken));
        return row is null ? null : new RunnerRecord(row.Owner, row.Kind, ParseTime(row.StartedAt), ParseTime(row.LastSeenAt));
    }

    public async Task<bool> RemoveAsync(string owner, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db, "DELETE FROM scheduler_runners WHERE owner = @owner;", new { owner }, cancellationToken)) > 0;

    private sealed class RunnerRow
    {
        public string Owner { get; init; } = "";
        public string Kind { get; init; } = "";
        public string StartedAt { get; init; } = "";
        public string LastSeenAt { get; init; } = "";
    }
}

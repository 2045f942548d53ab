using Dapper;
using SocialMcp.Storage.Repositories;

namespace SocialMcp.Storage.Postgres;

/// <summary>
/// Fixed rate-limit windows counted in the shared database (<c>rate_limit_windows</c>), so N instances grant a limit once,
/// not N times. Windows are aligned on the Unix epoch, so every instance agrees where one starts. One statement per call,
/// outside any business transaction: the count is added and read back atomically by the upsert. Synchronous, because the
/// limiter's callers are (a single-row upsert on an indexed key).
/// </summary>
public sealed class PostgresRateWindows(PostgresDataSource connections)
{
    private long _prunedBefore;

    /// <summary>The window of length <paramref name="window"/> that holds <paramref name="now"/>.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) WindowOf(DateTimeOffset now, TimeSpan window)
    {
        var start = now.UtcTicks - (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % window.Ticks;
        return (new DateTimeOffset(start, TimeSpan.Zero), new DateTimeOffset(start + window.Ticks, TimeSpan.Zero));
    }

    /// <summary>Counts one call against <paramref name="key"/> in the window holding <paramref name="now"/>; returns the calls counted so far, this one included.</summary>
    public long Count(string key, DateTimeOffset now, TimeSpan window)
    {
        var (start, end) = WindowOf(now, window);
        using var connection = connections.DataSource.OpenConnection();
        PruneEndedWindows(connection, start);
        return connection.ExecuteScalar<long>("""
            INSERT INTO rate_limit_windows (key, window_start, window_end, count)
            VALUES (@key, @start, @end, 1)
            ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + 1
            RETURNING count;
            """, new { key, start = DbValues.Time(start), end = DbValues.Time(end) });
    }

    // Once per window and process: the first call of a new window deletes the rows of windows that have ended.
    private void PruneEndedWindows(Npgsql.NpgsqlConnection connection, DateTimeOffset windowStart)
    {
        var previous = Interlocked.Read(ref _prunedBefore);
        if (windowStart.UtcTicks <= previous || Interlocked.CompareExchange(ref _prunedBefore, windowStart.UtcTicks, previous) != previous)
            return;
        connection.Execute("DELETE FROM rate_limit_windows WHERE window_end <= @start;", new { start = DbValues.Time(windowStart) });
    }
}

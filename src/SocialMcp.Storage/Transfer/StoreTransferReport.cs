namespace SocialMcp.Storage.Transfer;

/// <summary>One table's row count in the SQLite source and in the PostgreSQL target after the copy.</summary>
public sealed record TableCount(string Table, long Source, long Target)
{
    public bool Matches => Source == Target;
}

/// <summary>
/// What <see cref="StoreTransfer"/> did: the counts per table (the key ring last, as key files against rows), and
/// whether the copy was committed (only when every count matched).
/// </summary>
public sealed record StoreTransferReport(IReadOnlyList<TableCount> Tables, bool Committed)
{
    public bool AllMatch => Tables.All(t => t.Matches);
}

/// <summary>A copy that was refused or stopped; <see cref="Code"/> is stable, the message says what to do.</summary>
public sealed class StoreTransferException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The codes of <see cref="StoreTransferException"/>.</summary>
public static class StoreTransferErrors
{
    public const string SourceNotFound = "source_not_found";
    public const string TargetNotEmpty = "target_not_empty";
    public const string SchemaMismatch = "schema_mismatch";
    public const string UnsupportedValue = "unsupported_value";
    public const string KeyRingMissing = "key_ring_missing";
}

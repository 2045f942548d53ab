using SocialMcp.Core.Publishing;

namespace SocialMcp.Platforms.Adapters;

/// <summary>
/// What asking the platform about an earlier (or just-sent) creating call found: the post (<see cref="Found"/>), a
/// definite "not there" (<see cref="NotThere"/>: creating it is safe), or no answer at all (<see cref="Unknown"/>:
/// creating it could post twice, so the target needs a person).
/// </summary>
public abstract record LookupResult
{
    private LookupResult()
    {
    }

    /// <summary>The platform showed the post: this is the outcome to report.</summary>
    public sealed record Found(PublishOutcome Outcome) : LookupResult;

    /// <summary>The platform answered and the post is not there.</summary>
    public sealed record NotThere : LookupResult;

    /// <summary>The platform could not be asked, or its answer could not be read; <see cref="Why"/> says which, for a person.</summary>
    public sealed record Unknown(string Why) : LookupResult;

    public static LookupResult Absent { get; } = new NotThere();

    public static LookupResult Of(PublishOutcome? found) => found is null ? Absent : new Found(found);
}

/// <summary>
/// Thrown inside an adapter when the platform cannot tell whether a creating call made the post; the adapter base turns
/// it into <see cref="PublishOutcome.NeedsReconciliation"/> with <see cref="Exception.Message"/> as the reason.
/// </summary>
public sealed class ReconciliationNeededException(string reason) : Exception(reason);

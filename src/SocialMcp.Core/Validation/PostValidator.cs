using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Core.Validation;

/// <summary>One platform's verdict: its problems and its text length counted the platform's way, against its limit.</summary>
public sealed record PlatformVerdict(Platform Platform, bool Ok, int TextLength, int MaxTextLength, IReadOnlyList<Problem> Problems);

/// <summary>
/// The outcome of every rule: problems that concern the post as a whole, and one verdict per target
/// platform. <see cref="Ok"/> only when there is no problem at all.
/// </summary>
public sealed record ValidationReport(bool Ok, IReadOnlyList<Problem> Problems, IReadOnlyList<PlatformVerdict> Platforms)
{
    public IReadOnlyList<Problem> AllProblems() => [.. Problems, .. Platforms.SelectMany(p => p.Problems)];
}

/// <summary>Runs every registered <see cref="IPostRule"/> and groups what they find.</summary>
public sealed class PostValidator(IEnumerable<IPostRule> rules, IPlatformTextMeasure textMeasure)
{
    private readonly IPostRule[] _rules = rules.ToArray();

    public ValidationReport Validate(RuleContext context)
    {
        var problems = Find(context).ToList();
        var verdicts = context.TargetPlatforms
            .Select(platform =>
            {
                var own = problems.Where(p => p.Platform == platform).ToList();
                var text = textMeasure.Measure(platform, context.Draft.Content);
                return new PlatformVerdict(platform, own.Count == 0, text.Length, text.MaxLength, own);
            })
            .ToList();
        var general = problems.Where(p => p.Platform is null || !context.Draft.Platforms.Contains(p.Platform.Value)).ToList();
        return new ValidationReport(problems.Count == 0, general, verdicts);
    }

    /// <summary>
    /// Every rule on a single post. On a thread the rules of the whole post run once (their paths name part 0, whose text,
    /// media and overrides the post's content mirrors), and the rules of text and media run on each part, naming it:
    /// part 0 for every platform, later parts for the platforms that take threads. A reply that is a comment takes no
    /// media, so the media rules do not ask it for any.
    /// </summary>
    private IEnumerable<Problem> Find(RuleContext context)
    {
        var content = context.Draft.Content;
        var rules = content.ReplyTo is { } reply && PlatformCatalog.For(reply.Platform).Conversation.Replies == ReplyKind.Comment
            ? _rules.Where(rule => !rule.ChecksMedia).ToArray()
            : _rules;
        if (content.Thread is not { } thread)
            return rules.SelectMany(rule => rule.Check(context));

        var threading = context.Draft.Platforms.Where(p => PlatformCatalog.For(p).Conversation.Threads).ToList();
        var whole = rules.Where(rule => !rule.ChecksEachPart).SelectMany(rule => rule.Check(context)).Select(p => ThreadPaths.InPart(p, 0));
        var parts = thread.SelectMany((_, index) =>
        {
            var part = context.ForPart(index, index == 0 ? null : threading);
            return rules.Where(rule => rule.ChecksEachPart).SelectMany(rule => rule.Check(part)).Select(p => ThreadPaths.InPart(p, index));
        });
        return whole.Concat(parts);
    }

    /// <summary>Throws when any rule fails; the exception carries every problem, the most general first.</summary>
    public void EnsureValid(RuleContext context)
    {
        // A draft that breaks no rule needs no report: the per-platform text measures are only worked out to explain a refusal.
        if (!Find(context).Any())
            return;
        var report = Validate(context);
        if (!report.Ok)
            throw new DomainValidationException(report.AllProblems());
    }
}

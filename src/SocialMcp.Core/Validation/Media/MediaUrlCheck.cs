using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Core.Validation.Media;

/// <summary>
/// The fetch guard's decision on a post's media URLs at validate time (docs/fetch-guard.md): a data:, file: or
/// other non-http URL, or a host that is or resolves to a refused address, is refused when the post is validated or
/// saved, not when it publishes. It needs DNS, so it is async and runs beside the synchronous rules, before any write.
/// </summary>
public sealed class MediaUrlCheck(IMediaFetcher fetcher)
{
    /// <summary>One MEDIA_URL_FORBIDDEN problem per refused URL, at <c>$.content.media[i].url</c> (a thread's <c>$.content.thread[p].media[i].url</c>) or <c>.thumbnailUrl</c>.</summary>
    public async Task<IReadOnlyList<Problem>> FindProblemsAsync(PostContent content, CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        // A thread's part 0 is mirrored in content.media: each part is checked once, under its own path.
        for (var part = 0; part < content.Parts.Count; part++)
        {
            var media = content.Parts[part].Media;
            var prefix = content.Thread is null ? "$.content" : $"$.content.thread[{part}]";
            for (var i = 0; i < media.Count; i++)
            {
                await CheckAsync(media[i].Url, $"{prefix}.media[{i}].url", problems, cancellationToken);
                await CheckAsync(media[i].ThumbnailUrl, $"{prefix}.media[{i}].thumbnailUrl", problems, cancellationToken);
            }
        }
        return problems;
    }

    /// <summary>Throws a <see cref="DomainValidationException"/> with every refused URL; nothing is written.</summary>
    public async Task EnsureAllowedAsync(PostContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
            return;
        var problems = await FindProblemsAsync(content, cancellationToken);
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
    }

    /// <summary>The report with the refused URLs added to its post-wide problems.</summary>
    public async Task<ValidationReport> AddProblemsAsync(ValidationReport report, PostContent content, CancellationToken cancellationToken)
    {
        var problems = await FindProblemsAsync(content, cancellationToken);
        return problems.Count == 0 ? report : report with { Ok = false, Problems = [.. problems, .. report.Problems] };
    }

    private async Task CheckAsync(string? url, string path, List<Problem> problems, CancellationToken cancellationToken)
    {
        if (url is null)
            return;
        try
        {
            await fetcher.CheckAsync(url, path, cancellationToken);
        }
        catch (MediaFetchException ex)
        {
            problems.Add(ex.Problem);
        }
    }
}

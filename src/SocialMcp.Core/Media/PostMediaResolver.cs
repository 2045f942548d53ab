using System.Globalization;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation.Media;

namespace SocialMcp.Core.Media;

/// <summary>
/// What the library's probe said about one library item of a post (validate_post reports these); <see cref="Part"/> is the
/// thread part it belongs to (null for a single post), <see cref="Index"/> its place in that part's (or the post's) media.
/// </summary>
public sealed record ProbedMediaItem(
    int Index, string MediaId, string Type, string MimeType, long SizeBytes, int? Width, int? Height,
    double? DurationSeconds = null, string? VideoCodec = null, double? FrameRate = null, int? Part = null);

/// <summary>A post's content with its library items filled in, and what was filled.</summary>
public sealed record ResolvedPostMedia(PostContent Content, IReadOnlyList<ProbedMediaItem> Probed);

/// <summary>
/// Finds each <c>{"mediaId": …}</c> item of a post in the workspace's library and fills its type, MIME type, size,
/// dimensions, duration, codec and frame rate from the probe, so every content rule runs on what the file really is. A
/// fact the caller stated that contradicts the probe is refused (MEDIA_TYPE_MISMATCH at its path); an id of no asset of
/// this workspace is MEDIA_NOT_FOUND. Create, update, schedule and validate call it; so may the publishing engine, again,
/// just before a publish.
/// </summary>
public sealed class PostMediaResolver
{
    public async Task<ResolvedPostMedia> ResolveAsync(IStoreSession session, string workspaceId, PostContent content, CancellationToken cancellationToken)
    {
        if (content.Parts.SelectMany(p => p.Media).All(m => m.MediaId is null && m.Url is not null))
            return new ResolvedPostMedia(content, []);

        var probed = new List<ProbedMediaItem>();
        var problems = new List<Problem>();
        if (content.Thread is not { } thread)
        {
            var media = await ResolveItemsAsync(session, workspaceId, content.Media, "$.content", null, probed, problems, cancellationToken);
            if (problems.Count > 0)
                throw new DomainValidationException(problems);
            return new ResolvedPostMedia(content with { Media = media }, probed);
        }

        // A thread: each part's media under its own path; part 0's are mirrored in content.media again.
        var parts = new List<ThreadPart>(thread.Count);
        for (var part = 0; part < thread.Count; part++)
        {
            var media = await ResolveItemsAsync(session, workspaceId, thread[part].Media, $"$.content.thread[{part}]", part, probed, problems, cancellationToken);
            parts.Add(thread[part] with { Media = media });
        }
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
        return new ResolvedPostMedia(content with { Media = parts[0].Media, Thread = parts }, probed);
    }

    private static async Task<List<MediaItem>> ResolveItemsAsync(
        IStoreSession session, string workspaceId, IReadOnlyList<MediaItem> media, string prefix, int? part,
        List<ProbedMediaItem> probed, List<Problem> problems, CancellationToken cancellationToken)
    {
        var items = new List<MediaItem>(media.Count);
        for (var i = 0; i < media.Count; i++)
        {
            var item = media[i];
            var path = $"{prefix}.media[{i}]";
            if ((item.MediaId is null) == (item.Url is null))
            {
                problems.Add(new Problem(ErrorCodes.ValidationFailed, "A media item has either url or mediaId, not both and not neither.", path,
                    Hint: "Use {\"url\": …, \"type\": …} for a file you host, or {\"mediaId\": …} for a file of upload_media."));
                items.Add(item);
                continue;
            }
            if (item.MediaId is not { } mediaId)
            {
                items.Add(item);
                continue;
            }
            var asset = await session.Media.GetAsync(workspaceId, mediaId, cancellationToken)
                ?? throw MediaLibrary.NotFound(mediaId, path + ".mediaId");
            problems.AddRange(Contradictions(item, asset, path));
            var probe = asset.Probe;
            items.Add(probe.ApplyTo(item with { Url = null }, asset.SizeBytes));
            probed.Add(new ProbedMediaItem(i, mediaId, probe.Kind, probe.MimeType, asset.SizeBytes, probe.Width, probe.Height,
                probe.DurationSeconds, probe.VideoCodec, probe.FrameRate, part));
        }
        return items;
    }

    /// <summary>Each stated fact that the probe contradicts. Stating nothing is the normal case: the probe fills it.</summary>
    private static IEnumerable<Problem> Contradictions(MediaItem item, MediaAsset asset, string path)
    {
        var probe = asset.Probe;
        // Type is compared as a plain string: a library item bound without one has null here.
        if (item.Type is { } type && type != probe.Kind)
            yield return Mismatch(asset, $"type {type}", $"{probe.Kind}", path + ".type");
        if (item.MimeType is { } mime && !string.Equals(Normalize(mime), probe.MimeType, StringComparison.Ordinal))
            yield return Mismatch(asset, $"mimeType {mime}", probe.MimeType, path + ".mimeType");
        if (item.SizeBytes is { } size && size != asset.SizeBytes)
            yield return Mismatch(asset, $"sizeBytes {size}", $"{asset.SizeBytes} bytes", path + ".sizeBytes");
        if (item.Width is { } width && width != probe.Width)
            yield return Mismatch(asset, $"width {width}", $"{probe.Width} px wide", path + ".width");
        if (item.Height is { } height && height != probe.Height)
            yield return Mismatch(asset, $"height {height}", $"{probe.Height} px high", path + ".height");
        if (item.DurationSeconds is { } seconds && (probe.DurationSeconds is not { } real || Math.Abs(seconds - real) > 0.05))
            yield return Mismatch(asset, $"durationSeconds {seconds.ToString(CultureInfo.InvariantCulture)}", probe.DurationSeconds is { } d ? MediaKinds.Seconds(d) + " long" : "not a video", path + ".durationSeconds");
        if (item.VideoCodec is { } codec && !string.Equals(codec, probe.VideoCodec, StringComparison.Ordinal))
            yield return Mismatch(asset, $"videoCodec {codec}", probe.VideoCodec ?? "not a video", path + ".videoCodec");
        if (item.FrameRate is { } rate && (probe.FrameRate is not { } realRate || Math.Abs(rate - realRate) > 0.01))
            yield return Mismatch(asset, $"frameRate {rate.ToString(CultureInfo.InvariantCulture)}", probe.FrameRate?.ToString(CultureInfo.InvariantCulture) + " fps", path + ".frameRate");
    }

    private static string Normalize(string mime) => mime.Trim().ToLowerInvariant() switch
    {
        "image/jpg" or "image/pjpeg" => MediaProber.Jpeg,
        var other => other,
    };

    private static Problem Mismatch(MediaAsset asset, string stated, string actual, string path) => new(ErrorCodes.MediaTypeMismatch,
        $"Media {asset.Id} is {actual} (read from the file), not {stated} as stated.", path,
        Hint: "Leave the media facts out for a mediaId item: they are filled from the file.");
}

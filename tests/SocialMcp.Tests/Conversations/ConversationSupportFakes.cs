using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Tests.Conversations;

/// <summary>
/// A publisher whose read-back answers what the test says (the adapters' own LookUpAsync is another branch's); publishing
/// is never asked of it here. It records each look-up so a test can tell whether the platform was asked at all.
/// </summary>
public sealed class LookUpPublisher(Func<PostLookupRequest, PostLookup> answer) : IPlatformPublisher, IPublisherResolver
{
    public List<PostLookupRequest> LookUps { get; } = [];

    public IPlatformPublisher For(Account account) => this;

    public PublisherCapabilities CapabilitiesFor(Platform platform) => new(CanWithdraw: true);

    public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The parent-check tests never publish.");

    public Task<WithdrawOutcome> WithdrawAsync(WithdrawRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The parent-check tests never withdraw.");

    public Task<PostLookup> LookUpAsync(PostLookupRequest request, CancellationToken cancellationToken)
    {
        LookUps.Add(request);
        return Task.FromResult(answer(request));
    }
}

/// <summary>Contents written the way the input mapping builds them: a thread's part 0 mirrored into text, media and overrides.</summary>
public static class Conversation
{
    public static readonly Dictionary<Platform, PlatformOverride> NoOverrides = [];

    public static ThreadPart Part(string text, IReadOnlyList<MediaItem>? media = null, Dictionary<Platform, PlatformOverride>? overrides = null) =>
        new(text, media ?? [], overrides ?? NoOverrides);

    public static PostContent Thread(params ThreadPart[] parts) =>
        new PostContent(parts[0].Text, parts[0].Media, null, parts[0].PlatformOverrides.ToDictionary()) { Thread = parts };

    public static PostContent Text(string text) => new(text, [], null, NoOverrides);
}

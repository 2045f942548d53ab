using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Validation;
using SocialMcp.Core.Validation.Media;

namespace SocialMcp.Tests.Media;

public sealed class LibraryMediaPublicRuleTests
{
    private static RuleContext Context(IReadOnlyList<MediaItem> media, params Platform[] platforms) => new(
        new PostDraft(new PostContent("Hello", media, null, new Dictionary<Platform, PlatformOverride>()), platforms, null),
        new Dictionary<Platform, Account>(), DateTimeOffset.UnixEpoch, RulePurpose.Save);

    private static readonly MediaItem Library = new(null, MediaTypes.Image, MediaId: "med_1");

    [Fact]
    public void Check_LibraryItemWithoutPublicBaseUrl_RefusesOnlyThePlatformsThatPull()
    {
        var problems = new LibraryMediaPublicRule(new Signer(available: false))
            .Check(Context([new MediaItem("https://cdn.example/a.png", MediaTypes.Image), Library],
                Platform.Instagram, Platform.X, Platform.Threads, Platform.LinkedIn, Platform.Facebook, Platform.TikTok)).ToList();

        Assert.Equal([Platform.Instagram, Platform.Threads, Platform.Facebook, Platform.TikTok], problems.Select(p => p.Platform!.Value));
        Assert.All(problems, p =>
        {
            Assert.Equal(ErrorCodes.MediaNotPublic, p.Code);
            Assert.Equal("$.content.media[1].mediaId", p.Path);
            Assert.Contains("Media:PublicBaseUrl", p.Hint);
        });
    }

    [Fact]
    public void Check_NoSignerRegistered_SameAsNoPublicBaseUrl() =>
        Assert.Single(new LibraryMediaPublicRule().Check(Context([Library], Platform.Threads)));

    [Fact]
    public void Check_PublicBaseUrlSet_Passes() =>
        Assert.Empty(new LibraryMediaPublicRule(new Signer(available: true)).Check(Context([Library], Platform.Instagram, Platform.TikTok)));

    private sealed class Signer(bool available) : IMediaUrlSigner
    {
        public bool IsAvailable => available;
        public Uri? CreateUrl(MediaAsset asset, DateTimeOffset expiresAt) => available ? new Uri("https://public.example/media/s/t") : null;
        public (string WorkspaceId, string MediaId)? Verify(string token, DateTimeOffset now) => null;
    }
}

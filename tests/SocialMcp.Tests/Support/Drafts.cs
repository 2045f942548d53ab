using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;

namespace SocialMcp.Tests.Support;

public static class Drafts
{
    public static PostContent Text(string text) => new(text, [], null, new Dictionary<Platform, PlatformOverride>());

    public static CreatePostCommand Create(string text = "Hello", params Platform[] platforms) =>
        new CreatePostCommand
        {
            Content = Text(text),
            Platforms = platforms.Length == 0 ? [Platform.X, Platform.LinkedIn] : platforms,
        };
}

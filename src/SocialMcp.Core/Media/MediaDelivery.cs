using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Media;

/// <summary>How a platform receives media: it pulls each file from a public URL, or it takes the bytes from us.</summary>
public enum MediaDeliveryMode
{
    /// <summary>The platform downloads the file from a URL we give it (Instagram, Threads, Facebook, TikTok's PULL_FROM_URL).</summary>
    Pull,

    /// <summary>We upload the bytes (X, LinkedIn, YouTube, Amazon).</summary>
    Bytes,
}

public static class MediaDelivery
{
    /// <summary>docs/platforms.md#media-delivery: which platforms pull and which take bytes.</summary>
    public static MediaDeliveryMode For(Platform platform) => platform switch
    {
        Platform.X or Platform.LinkedIn or Platform.YouTube or Platform.Amazon => MediaDeliveryMode.Bytes,
        _ => MediaDeliveryMode.Pull,
    };

    public static bool Pulls(Platform platform) => For(platform) == MediaDeliveryMode.Pull;
}

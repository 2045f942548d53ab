namespace SocialMcp.Testing;

/// <summary>
/// Small real media files made once with ffmpeg and committed (tests/SocialMcp.Testing/Media, copied beside the tests):
/// each name says what the file is, e.g. video-vertical-72x128-4s.mp4 (H.264, 30 fps). png-named-as.jpg is a PNG.
/// </summary>
public static class TestMedia
{
    public const string Png = "image-64x48.png";
    public const string Jpeg = "image-80x60.jpg";
    public const string WebP = "image-40x30.webp";
    public const string Gif = "image-32x24.gif";

    /// <summary>H.264, 72×128, 4 s, 30 fps.</summary>
    public const string VerticalMp4 = "video-vertical-72x128-4s.mp4";

    /// <summary>H.264, 128×72, 4 s, 25 fps.</summary>
    public const string HorizontalMp4 = "video-horizontal-128x72-4s.mp4";

    /// <summary>H.264, 72×128, 2 s, 30 fps.</summary>
    public const string ShortVerticalMp4 = "video-vertical-72x128-2s.mp4";

    /// <summary>QuickTime, H.264, 96×64, 3 s, 24 fps.</summary>
    public const string Mov = "video-96x64-3s.mov";

    /// <summary>A PNG whose name says JPEG.</summary>
    public const string MislabelledPng = "png-named-as.jpg";

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Media", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static string Base64(string name) => Convert.ToBase64String(Bytes(name));
}

using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Core.Media;

/// <summary>Configuration section <c>Media</c>: where the library lives, how big things may be, and the fetch guard's allow-list.</summary>
public sealed class MediaOptions : IValidatableObject
{
    public const string SectionName = "Media";

    /// <summary>Directory of the library's files; empty means a <c>media</c> directory beside the database.</summary>
    public string Root { get; set; } = "";

    /// <summary>Largest file upload_media takes inline (decoded bytes).</summary>
    public long MaxInlineBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Largest file <c>POST /media</c> or a fetch takes: the largest any platform accepts (YouTube's 256 GB is out of reach; 4 GiB covers the others).</summary>
    public long MaxUploadBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The public base URL platforms that pull media reach this server at (e.g. https://social.example.com/); empty: no signed URLs.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>How long a signed media URL stays valid.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Hosts (exact names or IP literals) the fetch guard lets through even on a refused address: the emulator and tests use 127.0.0.1 this way.</summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Bound on one fetch from first byte to last; short so that a slow URL holds nothing shared.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public int MaxRedirects { get; set; } = 3;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxInlineBytes < 1)
            yield return new ValidationResult("Media:MaxInlineBytes must be at least 1.");
        if (MaxUploadBytes < MaxInlineBytes)
            yield return new ValidationResult("Media:MaxUploadBytes must be at least Media:MaxInlineBytes.");
        if (PublicBaseUrl.Length > 0 && !Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out _))
            yield return new ValidationResult("Media:PublicBaseUrl must be an absolute URL.");
        if (FetchTimeout <= TimeSpan.Zero)
            yield return new ValidationResult("Media:FetchTimeout must be positive.");
        if (MaxRedirects is < 0 or > 10)
            yield return new ValidationResult("Media:MaxRedirects must be between 0 and 10.");
    }
}

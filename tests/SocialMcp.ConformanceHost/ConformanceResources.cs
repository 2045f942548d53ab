using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SocialMcp.ConformanceHost;

/// <summary>The resources and the resource template that the conformance suite reads and subscribes to.</summary>
[McpServerResourceType]
public static class ConformanceResources
{
    private const string StaticTextUri = "test://static-text";
    private const string StaticBinaryUri = "test://static-binary";
    private const string WatchedUri = "test://watched-resource";

    /// <summary>The resources with a fixed URI, which are also the ones a client may subscribe to.</summary>
    internal static readonly IReadOnlySet<string> StaticUris = new HashSet<string>(StringComparer.Ordinal) { StaticTextUri, StaticBinaryUri, WatchedUri };

    [McpServerResource(UriTemplate = StaticTextUri, Name = "static_text", MimeType = "text/plain")]
    [Description("Conformance fixture: a fixed text resource.")]
    public static TextResourceContents StaticText() =>
        new() { Uri = StaticTextUri, MimeType = "text/plain", Text = "This is the content of the static text resource." };

    [McpServerResource(UriTemplate = StaticBinaryUri, Name = "static_binary", MimeType = "image/png")]
    [Description("Conformance fixture: a fixed binary resource (a 1x1 PNG).")]
    public static BlobResourceContents StaticBinary() => BlobResourceContents.FromBytes(ConformanceTools.Png, StaticBinaryUri, "image/png");

    [McpServerResource(UriTemplate = WatchedUri, Name = "watched_resource", MimeType = "text/plain")]
    [Description("Conformance fixture: a text resource to subscribe to; it never changes.")]
    public static TextResourceContents Watched() =>
        new() { Uri = WatchedUri, MimeType = "text/plain", Text = "This resource is watched by the subscription scenarios." };

    [McpServerResource(UriTemplate = "test://template/{id}/data", Name = "template_data", MimeType = "application/json")]
    [Description("Conformance fixture: a resource template; the result names the id taken from the URI.")]
    public static TextResourceContents TemplateData([Description("Any id, e.g. 123.")] string id) => new()
    {
        Uri = $"test://template/{id}/data",
        MimeType = "application/json",
        Text = JsonSerializer.Serialize(new { id, templateTest = true, data = $"Data for ID: {id}" }),
    };
}

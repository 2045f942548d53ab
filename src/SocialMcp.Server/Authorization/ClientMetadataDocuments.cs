using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using SocialMcp.Core.Media;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// Client ID metadata documents: a client whose <c>client_id</c> is an https URL needs no registration; the server
/// fetches the JSON document at that URL — through the fetch guard (docs/fetch-guard.md), so it cannot be pointed at
/// the internal network — checks it names the same client_id, and keeps it as an OpenIddict application for
/// <see cref="AuthorizationServerOptions.ClientMetadataLifetime"/> before fetching it again. Such clients are public
/// (PKCE, no secret). Plain http is accepted only for a host in <c>Media:AllowedHosts</c> (tests).
/// </summary>
public sealed class ClientMetadataDocuments(
    IOpenIddictApplicationManager applications, IMediaFetcher fetcher, IOptions<AuthorizationServerOptions> options,
    IOptionsMonitor<MediaOptions> media, TimeProvider time, AuthorizationDatabase database)
{
    private const string FetchedAtProperty = "socialmcp_metadata_fetched_at";

    public static bool LooksLikeMetadataDocument(string? clientId) =>
        clientId is not null && (clientId.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || clientId.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Registers or refreshes the client named by a metadata document URL; null on success, else why not.</summary>
    public async Task<ClientMetadataError?> EnsureRegisteredAsync(string clientId, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        if (CheckUrl(clientId) is { } refused)
            return refused;

        var settings = options.Value;
        var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (existing is not null)
        {
            var properties = await applications.GetPropertiesAsync(existing, cancellationToken);
            if (properties.TryGetValue(FetchedAtProperty, out var fetchedAt) && fetchedAt.TryGetDateTimeOffset(out var at)
                && time.GetUtcNow() - at < settings.ClientMetadataLifetime)
                return null;
        }

        JsonElement document;
        try
        {
            await using var file = await fetcher.FetchAsync(clientId, "$.client_id",
                new MediaFetchLimits(settings.MaxClientMetadataBytes, settings.ClientMetadataTimeout), cancellationToken);
            using var parsed = await JsonDocument.ParseAsync(file.Content, cancellationToken: cancellationToken);
            document = parsed.RootElement.Clone();
        }
        catch (MediaFetchException ex)
        {
            return new("invalid_client", $"The client ID metadata document could not be fetched: {ex.Problem.Message}", "$.client_id",
                "Serve the client's metadata JSON at its client_id URL over https from a public address.");
        }
        catch (JsonException)
        {
            return new("invalid_client_metadata", "The client ID metadata document is not JSON.", "$.client_id",
                "Serve a JSON object with client_id, client_name and redirect_uris.");
        }

        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("client_id", out var named)
            || named.ValueKind != JsonValueKind.String || !string.Equals(named.GetString(), clientId, StringComparison.Ordinal))
            return new("invalid_client_metadata", "The metadata document's client_id is not the URL it was fetched from.", "$.client_id",
                "Set the document's client_id to exactly its own URL.");
        if (ClientMetadata.Read(document, allowSecrets: false, out var error) is not { } metadata)
            return error;

        var descriptor = metadata.ToDescriptor(clientId, "metadata_document");
        descriptor.Properties[FetchedAtProperty] = JsonSerializer.SerializeToElement(time.GetUtcNow());
        try
        {
            if (existing is not null)
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            else
                await applications.CreateAsync(descriptor, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or OpenIddictExceptions.ConcurrencyException)
        {
            // Another request registered or refreshed the same document at the same moment: theirs stands.
        }
        return null;
    }

    private ClientMetadataError? CheckUrl(string clientId)
    {
        const string hint = "A client_id URL is https with a path, e.g. https://client.example.com/oauth/metadata.json.";
        if (!Uri.TryCreate(clientId, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
            || uri.AbsolutePath is "" or "/" || clientId.Contains("/./", StringComparison.Ordinal) || clientId.Contains("/../", StringComparison.Ordinal))
            return new("invalid_client", "The client_id is not a valid client ID metadata document URL.", "$.client_id", hint);
        var allowedHttp = uri.Scheme == Uri.UriSchemeHttp
            && media.CurrentValue.AllowedHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);
        if (uri.Scheme != Uri.UriSchemeHttps && !allowedHttp)
            return new("invalid_client", "A client ID metadata document must be served over https.", "$.client_id", hint);
        return null;
    }
}

/// <summary>Before OpenIddict validates an authorization request, registers (or refreshes) a metadata-document client.</summary>
internal sealed class ClientMetadataDocumentMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, ClientMetadataDocuments documents)
    {
        string? clientId = context.Request.Query["client_id"];
        if (clientId is null && HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
            clientId = (await context.Request.ReadFormAsync(context.RequestAborted))["client_id"];
        if (ClientMetadataDocuments.LooksLikeMetadataDocument(clientId)
            && await documents.EnsureRegisteredAsync(clientId!, context.RequestAborted) is { } error)
        {
            // The redirect URI is not verified: the error is shown here, not sent to it.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(error.ToBody(), context.RequestAborted);
            return;
        }
        await next(context);
    }
}

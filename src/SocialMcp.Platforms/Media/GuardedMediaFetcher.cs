using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Platforms.Media;

/// <summary>
/// The one fetcher (docs/fetch-guard.md). Each URL, and each redirect, is checked before any connection: http(s)
/// only, the host resolved once and every address it has checked against <see cref="AddressRules"/> unless the host is
/// in <c>Media:AllowedHosts</c>. The request carries the checked addresses and the client's ConnectCallback connects to
/// one of them, so the handler never resolves the name again and DNS rebinding cannot swap the address. The body goes
/// to a temporary file under a size cap, and one timeout bounds the whole fetch, slow bodies included. Every failure
/// to reach or read the server has one message, so answers tell nothing about the internal network.
/// </summary>
public sealed class GuardedMediaFetcher(
    IHttpClientFactory clients, HostGuard guard, IOptionsMonitor<MediaOptions> options, TimeProvider time)
    : IMediaFetcher
{
    /// <summary>The name of the guarded HttpClient (no automatic redirects, connects only to checked addresses).</summary>
    public const string ClientName = "socialmcp-media-fetch";

    public async Task CheckAsync(string url, string path, CancellationToken cancellationToken)
    {
        var uri = ParseHttpUrl(url, path);
        var addresses = await CheckHostAsync(uri, path, cancellationToken);
        _ = addresses; // An empty answer (no such name) is not refused here: it fails when fetched.
    }

    public async Task<IFetchedMedia> FetchAsync(string url, string path, MediaFetchLimits? limits, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var maxBytes = limits?.MaxBytes ?? settings.MaxUploadBytes;
        var timeout = limits?.Timeout ?? settings.FetchTimeout;
        var uri = ParseHttpUrl(url, path);

        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var file = FetchedMediaFile.Create();
        try
        {
            var client = clients.CreateClient(ClientName);
            for (var redirects = 0; ; redirects++)
            {
                var addresses = await CheckHostAsync(uri, path, linked.Token);
                if (addresses.Length == 0)
                    throw Unavailable(path);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                HostGuard.Carry(request, addresses);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if (IsRedirect(response.StatusCode))
                {
                    if (response.Headers.Location is not { } location)
                        throw Unavailable(path);
                    if (redirects >= settings.MaxRedirects)
                        throw Failed(MediaFetchRule.Redirects, ErrorCodes.MediaFetchFailed, path,
                            $"The media URL redirects more than {settings.MaxRedirects} times (rule: redirects).",
                            "Give the URL the redirects finally lead to.");
                    uri = ParseHttpUrl(new Uri(uri, location).AbsoluteUri, path);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw Unavailable(path);
                if (response.Content.Headers.ContentLength > maxBytes)
                    throw TooLarge(path, maxBytes);
                await CopyCappedAsync(response, file.Writer, maxBytes, path, linked.Token);
                if (file.Writer.Length == 0)
                    throw Unavailable(path);
                file.Complete(response.Content.Headers.ContentType?.MediaType, uri.Host);
                return file;
            }
        }
        catch (Exception ex) when (ex is not MediaFetchException)
        {
            await file.DisposeAsync();
            if (cancellationToken.IsCancellationRequested)
                throw;
            if (deadline.IsCancellationRequested)
                throw Failed(MediaFetchRule.Timeout, ErrorCodes.MediaFetchFailed, path,
                    $"The media URL did not deliver the whole file within {Describe(timeout)} (rule: timeout).",
                    "Host the file somewhere that answers quickly, or upload it with upload_media.");
            if (ex is HttpRequestException or IOException or SocketException or OperationCanceledException or InvalidOperationException)
                throw Unavailable(path);
            throw;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Resolves the host once and checks every address (an allow-listed host is let through on any address). An IP
    /// literal is its own single address. Returns the addresses to connect to; empty when the name does not resolve.
    /// </summary>
    private async Task<IPAddress[]> CheckHostAsync(Uri uri, string path, CancellationToken cancellationToken) =>
        await guard.CheckAsync(uri, cancellationToken) ?? throw Forbidden(path);

    private static Uri ParseHttpUrl(string url, string path)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Failed(MediaFetchRule.Scheme, ErrorCodes.MediaUrlForbidden, path,
                "The media URL is not an http or https URL (rule: scheme); data:, file: and other schemes are not fetched.",
                "Host the file at a public https URL, or upload it with upload_media and name it by mediaId.");
        }
        return uri;
    }

    private static async Task CopyCappedAsync(HttpResponseMessage response, FileStream file, long maxBytes, string path, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            // Content-Length may lie or be absent: the count of bytes actually read is what holds.
            if (total > maxBytes)
                throw TooLarge(path, maxBytes);
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static MediaFetchException Forbidden(string path) => Failed(MediaFetchRule.Address, ErrorCodes.MediaUrlForbidden, path,
        "The media URL's host is a loopback, private, link-local, shared, multicast or metadata address, which the server does not fetch (rule: address).",
        "Host the file at a public URL, or upload it with upload_media and name it by mediaId.");

    // One message for a DNS failure, a closed port, a non-HTTP server and an error status alike: they must not be told apart.
    private static MediaFetchException Unavailable(string path) => Failed(MediaFetchRule.Unavailable, ErrorCodes.MediaFetchFailed, path,
        "The media URL could not be fetched.",
        "Check that the URL is public and points at the file itself, or upload the file with upload_media.");

    private static MediaFetchException TooLarge(string path, long maxBytes) => Failed(MediaFetchRule.Size, ErrorCodes.MediaFetchFailed, path,
        $"The media file is larger than {maxBytes} bytes (rule: size).",
        "Use a smaller file.");

    private static MediaFetchException Failed(MediaFetchRule rule, string code, string path, string message, string hint) =>
        new(rule, new Problem(code, message, path, Hint: hint));

    private static string Describe(TimeSpan span) => span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.###} s" : $"{span.TotalMilliseconds:0} ms";
}

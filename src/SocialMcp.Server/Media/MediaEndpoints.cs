using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Server.Media;

/// <summary>
/// <c>GET /media/s/{token}</c>: the file behind a signed media URL, for the platforms that pull media (Instagram,
/// Threads, Facebook, TikTok's pull mode). No API key: the token is the authority. A tampered and an expired token get
/// the same 403, so the answer tells nothing about which it was; a deleted asset is 404. Range requests are served
/// (video pulls may fetch in parts). Logs name the media id, never the token.
/// </summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapSignedMedia(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(MediaUrlSigner.SignedPath + "{token}", [HttpMethods.Get, HttpMethods.Head], ServeAsync);
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(HttpContext context, string token, IMediaUrlSigner signer, TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(MediaEndpoints));
        context.Response.Headers.CacheControl = "no-store";
        if (signer.Verify(token, time.GetUtcNow()) is not { } named)
        {
            logger.LogInformation("Refused a signed media URL: tampered or expired");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        var library = context.RequestServices.GetService<IMediaLibrary>();
        if (library is null)
            return Results.NotFound();
        MediaAsset asset;
        try
        {
            asset = await library.GetAsync(named.WorkspaceId, named.MediaId, "$", context.RequestAborted);
        }
        catch (SocialMcpException ex) when (ex.Problem.Code == ErrorCodes.MediaNotFound)
        {
            logger.LogInformation("Signed media URL for {MediaId}: the asset was deleted", named.MediaId);
            return Results.NotFound();
        }
        var content = await library.OpenReadAsync(asset, context.RequestAborted);
        logger.LogInformation("Serving {MediaId} ({Bytes} bytes) through a signed URL", asset.Id, asset.SizeBytes);
        // Results.Stream sets Content-Length from the seekable stream and answers Range requests with 206.
        return Results.Stream(content, asset.Probe.MimeType, enableRangeProcessing: true);
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Server.Access;
using SocialMcp.Server.Mcp;
using SocialMcp.Server.Tools;

namespace SocialMcp.Server.Http;

/// <summary>
/// <c>POST /media</c>: a multipart/form-data upload with one <c>file</c> part, for files too large for upload_media's inline
/// base64. Same API key and workspace as <c>/mcp</c>; needs the posts:write scope. The part is streamed straight into the
/// library's staging file (never held whole in memory); the request body may be as large as <c>Media:MaxUploadBytes</c> on
/// this route only. Answers 201 with get_media's JSON, or our error JSON ({"error": {code, message, path, hint}}).
/// </summary>
public static class MediaUploadEndpoint
{
    public const string Path = "/media";
    public const string FilePart = "file";

    /// <summary>Room for the multipart boundaries and part headers around the file itself.</summary>
    private const long MultipartOverheadBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapMediaUpload(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, UploadAsync).RequireAuthorization(McpHttpServiceCollectionExtensions.McpCallerPolicy);
        return endpoints;
    }

    private static async Task UploadAsync(HttpContext context, IMediaLibrary library, IOptions<MediaOptions> options)
    {
        var caller = Caller.From(context.User);
        if (!caller.Scopes.Contains(Scopes.PostsWrite))
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, new Problem(ErrorCodes.ForbiddenScope,
                "This API key lacks the posts:write scope that uploading media needs.", null, Hint: "Use a key with posts:write."));
            return;
        }

        var maxBytes = options.Value.MaxUploadBytes;
        var maxBody = maxBytes + MultipartOverheadBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = maxBody;
        if (context.Request.ContentLength > maxBody)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, TooLarge(maxBytes));
            return;
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, new Problem(ErrorCodes.ValidationFailed,
                "Send the file as multipart/form-data (with a boundary), in a part named \"file\".", "$.file",
                Hint: "e.g. curl -H 'Authorization: Bearer <key>' -F file=@video.mp4 https://<server>/media"));
            return;
        }

        try
        {
            var reader = new MultipartReader(boundary, context.Request.Body);
            MediaAsset? asset = null;
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (asset is null && ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.IsFileDisposition() && HeaderUtilities.RemoveQuotes(disposition.Name).Value == FilePart)
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    asset = await library.UploadAsync(caller.WorkspaceId, new MediaUpload
                    {
                        Content = section.Body,
                        FileName = fileName,
                        ClaimedMimeType = ClaimedType(section.ContentType),
                        Path = "$.file",
                    }, context.RequestAborted);
                }
                // Other parts (and a second file) are read past: the first "file" part is the upload.
                await section.Body.DrainAsync(context.RequestAborted);
            }
            if (asset is null)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, new Problem(ErrorCodes.ValidationFailed,
                    "The form has no file part named \"file\".", "$.file", Hint: "Send the file in a part named file, with a filename."));
                return;
            }
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body,
                MediaResult.From(asset, $"Stored {MediaResult.Describe(asset)} as {asset.Id}; name it in a post as {{\"mediaId\": \"{asset.Id}\"}}."),
                SocialJson.Options, context.RequestAborted);
        }
        catch (SocialMcpException e)
        {
            await WriteErrorAsync(context, StatusOf(e), e.Problem);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, TooLarge(maxBytes));
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, new Problem(ErrorCodes.ValidationFailed,
                "The multipart body is malformed or ended early.", "$.file", Hint: "Send the whole form again."));
        }
    }

    /// <summary>A part's Content-Type is a claim the probe checks; the generic ones claim nothing.</summary>
    private static string? ClaimedType(string? contentType) =>
        contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || parsed.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            ? null
            : parsed.MediaType.Value;

    private static int StatusOf(SocialMcpException exception) => exception switch
    {
        _ when exception.Problem.Code == ErrorCodes.MediaTooLarge => StatusCodes.Status413PayloadTooLarge,
        _ when exception.Problem.Code == ErrorCodes.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        NotFoundException => StatusCodes.Status404NotFound,
        ConflictException => StatusCodes.Status409Conflict,
        LimitReachedException => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status400BadRequest,
    };

    private static Problem TooLarge(long maxBytes) => new(ErrorCodes.MediaTooLarge,
        $"The file is larger than the {maxBytes:N0} bytes POST /media takes.", "$.file", Hint: "Use a smaller file.");

    private static async Task WriteErrorAsync(HttpContext context, int status, Problem problem)
    {
        if (context.Response.HasStarted)
            return;
        context.Response.StatusCode = status;
        var failure = ToolResults.Failure(problem);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(failure.StructuredContent!.Value.GetRawText(), context.RequestAborted);
    }
}

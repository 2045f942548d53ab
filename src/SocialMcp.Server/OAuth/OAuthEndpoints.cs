using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Server.OAuth;

/// <summary>
/// The browser side of connecting an account over HTTP: <c>GET /oauth/connect/{link}</c> (a signed link → 302 to the
/// platform's consent page), <c>GET /oauth/callback/{platform}</c> (the platform's redirect → a small page) and
/// <c>POST /oauth/choose</c> (the identity picked on that page). A browser has no API key: the signed link, the state and
/// the signed choice token are the authority. Logs name connection ids, platforms and error codes, never the state,
/// the code or a token.
/// </summary>
public static class OAuthEndpoints
{
    public const string WhatToDoForANewLink =
        "Ask for a new link: run `socialmcp accounts connect-link --platform <platform>`, or call the connect_account tool.";

    public static IEndpointRouteBuilder MapOAuthConnect(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ConnectLinks.ConnectPath + "{link}", OpenLinkAsync);
        endpoints.MapGet(ConnectLinks.CallbackPath + "{platform}", CallbackAsync);
        endpoints.MapPost(ConnectLinks.ChoosePath, ChooseAsync);
        return endpoints;
    }

    private static async Task OpenLinkAsync(HttpContext context)
    {
        var link = context.Request.RouteValues["link"] as string ?? "";
        var links = context.RequestServices.GetRequiredService<ConnectLinks>();
        var logger = Logger(context);
        var (payload, fault) = links.Open(link);
        if (payload is null)
        {
            logger.LogInformation("Refused a connect link: {Fault}", fault);
            await ConnectPages.FailureAsync(context,
                fault == SignedTokenFault.Expired ? "This connect link has expired" : "This connect link is not valid",
                fault == SignedTokenFault.Expired
                    ? $"Connect links work for {links.Lifetime.TotalMinutes:0} minutes after they are made."
                    : "The link is incomplete, was altered, or was made by another server.",
                WhatToDoForANewLink, fault == SignedTokenFault.Expired ? ErrorCodes.ConnectExpired : ErrorCodes.ConnectFailed,
                fault == SignedTokenFault.Expired ? StatusCodes.Status410Gone : StatusCodes.Status400BadRequest);
            return;
        }

        if (links.CallbackFor(payload.Platform) is not { } callback)
        {
            await ConnectPages.FailureAsync(context, "Connecting is not set up", "This server has no public address for the platform to send you back to.",
                "Ask the operator to set OAuth:PublicBaseUrl.", ErrorCodes.PlatformNotConfigured, StatusCodes.Status503ServiceUnavailable);
            return;
        }

        try
        {
            var started = await context.RequestServices.GetRequiredService<IAccountConnectFlow>().StartAsync(new ConnectRequest
            {
                WorkspaceId = payload.WorkspaceId,
                Platform = payload.Platform,
                PlatformSetId = payload.PlatformSetId,
                PlatformSetName = payload.PlatformSetName,
                RedirectUri = callback,
                Channel = ConnectChannel.Link,
            }, context.RequestAborted);
            logger.LogInformation("Connect {ConnectionId} for {Platform} started from a link", started.ConnectionId, payload.Platform.ToWireName());
            ConnectPages.NoStore(context.Response);
            context.Response.Redirect(started.AuthorizationUrl.AbsoluteUri);
        }
        catch (SocialMcpException ex)
        {
            logger.LogInformation("Connect link for {Platform} refused: {Code}", payload.Platform.ToWireName(), ex.Problem.Code);
            await ConnectPages.FailureAsync(context, "Cannot connect this account", ex.Problem.Message,
                ex.Problem.Hint ?? WhatToDoForANewLink, ex.Problem.Code);
        }
    }

    private static async Task CallbackAsync(HttpContext context)
    {
        var platform = context.Request.RouteValues["platform"] as string;
        if (!PlatformNames.TryParse(platform, out var which))
        {
            await ConnectPages.FailureAsync(context, "Unknown platform", "This callback address names no platform this server connects.",
                WhatToDoForANewLink, ErrorCodes.ConnectFailed, StatusCodes.Status404NotFound);
            return;
        }

        var query = context.Request.Query;
        var result = await context.RequestServices.GetRequiredService<IAccountConnectFlow>().CompleteAsync(which.Value,
            query["state"].FirstOrDefault(), query["code"].FirstOrDefault(), query["error"].FirstOrDefault(),
            query["error_description"].FirstOrDefault(), context.RequestAborted);
        await AnswerAsync(context, result);
    }

    private static async Task ChooseAsync(HttpContext context)
    {
        var links = context.RequestServices.GetRequiredService<ConnectLinks>();
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var (workspaceId, connectionId, fault) = links.OpenChoice(form?["token"].FirstOrDefault() ?? "");
        if (workspaceId is null || connectionId is null)
        {
            Logger(context).LogInformation("Refused an identity choice: {Fault}", fault);
            await ConnectPages.FailureAsync(context,
                fault == SignedTokenFault.Expired ? "This choice has expired" : "This choice is not valid",
                "The page you chose on is too old or was altered.", WhatToDoForANewLink,
                fault == SignedTokenFault.Expired ? ErrorCodes.ConnectExpired : ErrorCodes.ConnectFailed,
                fault == SignedTokenFault.Expired ? StatusCodes.Status410Gone : StatusCodes.Status400BadRequest);
            return;
        }
        if (form?["identity"].FirstOrDefault() is not { Length: > 0 } identity)
        {
            await ConnectPages.FailureAsync(context, "No account chosen", "The form came back without an identity.",
                "Go back, pick one of the accounts, then press Connect.", ErrorCodes.ConnectFailed);
            return;
        }

        var result = await context.RequestServices.GetRequiredService<IAccountConnectFlow>()
            .ChooseAsync(workspaceId, connectionId, identity, context.RequestAborted);
        await AnswerAsync(context, result with { WorkspaceId = result.WorkspaceId ?? workspaceId });
    }

    private static Task AnswerAsync(HttpContext context, ConnectResult result)
    {
        Logger(context).LogInformation("Connect {ConnectionId} for {Platform}: {Status} {Code}",
            result.ConnectionId, result.Platform.ToWireName(), result.Status, result.Problem?.Code);
        var choiceToken = result.Status == ConnectStatus.ChoiceRequired && result.WorkspaceId is { } workspace
            ? context.RequestServices.GetRequiredService<ConnectLinks>().ProtectChoice(workspace, result.ConnectionId)
            : null;
        return ConnectPages.ResultAsync(context, result, choiceToken);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SocialMcp.Server.OAuth");
}

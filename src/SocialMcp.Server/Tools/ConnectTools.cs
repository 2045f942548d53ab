using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Server.Access;
using SocialMcp.Server.Mcp;
using SocialMcp.Server.OAuth;

namespace SocialMcp.Server.Tools;

/// <summary>
/// connect_account: the tool way into the one connect flow (the CLI and the signed link are the others). It starts a
/// connect and returns the authorization URL; a client that declares URL-mode elicitation is asked to open it, and the
/// tool then reports the connected account. The same tool finishes an identity choice and says where a connect stands.
/// </summary>
[McpServerToolType]
public sealed class ConnectTools(
    IServiceProvider services, CallerContext caller, ConnectLinks links, LoopbackConnects loopback, AccountService accounts,
    TimeProvider time, ILogger<ConnectTools> logger)
{
    /// <summary>How long the tool waits for the person after the client agreed to open the URL, at most (never past the state's expiry).</summary>
    public static readonly TimeSpan ElicitationWait = TimeSpan.FromMinutes(5);

    /// <summary>How often it looks again while waiting: the redirect may land in another process (the HTTP server, on the same database).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    [McpServerTool(Name = "connect_account", Title = "Connect a platform account", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = true)]
    [ToolAccess(Scopes.AccountsWrite, ToolOperation.Create)]
    [Description("""
        Connects a real account through the platform's own sign-in (OAuth). Three forms:
        {platform, platformSetId?} starts a connect into the set (default set when omitted) and returns authorizationUrl and
        expiresAt (10 minutes): give the URL to the person; they sign in and approve on the platform's site. When your client
        supports URL elicitation, the server asks it to open the URL and, once the person is done, returns the connected account
        (status connected) or the identities to choose among. Otherwise status is pending: call {connectionId} later to see
        where it stands. {connectionId} alone reports the status: pending, connected (account), choice_required (choices),
        failed or expired (problem says why and what to do). {connectionId, identityId} finishes choice_required with one of
        choices[].identityId (Facebook Pages, Instagram accounts behind Pages, Amazon brand profiles).
        Connecting the same platform identity again renews its tokens in place (renewed true) and keeps its history.
        Errors: PLATFORM_NOT_CONFIGURED (the server lacks app credentials or OAuth:PublicBaseUrl; the message names the
        settings for the operator), PLATFORM_SET_NOT_FOUND, CONNECT_EXPIRED (unknown or expired connectionId: start again),
        CONNECT_FAILED, VALIDATION_FAILED (neither platform nor connectionId, or identityId without connectionId).
        """)]
    public async Task<CallToolResult> ConnectAccount(
        string? platform = null, string? platformSetId = null, string? connectionId = null, string? identityId = null,
        RequestContext<CallToolRequestParams>? request = null, CancellationToken cancellationToken = default)
    {
        var workspaceId = caller.WorkspaceId;
        var flow = services.GetRequiredService<IAccountConnectFlow>();

        if (connectionId is not null)
        {
            if (platform is not null || platformSetId is not null)
                throw Invalid("Pass either platform (to start a connect) or connectionId (to follow one), not both.", "$.connectionId");
            var result = identityId is not null
                ? await flow.ChooseAsync(workspaceId, connectionId, identityId, cancellationToken)
                : await flow.GetAsync(workspaceId, connectionId, cancellationToken) ?? throw UnknownConnection(connectionId);
            return ToolResults.Success(await ToResultAsync(workspaceId, result, null, cancellationToken));
        }
        if (identityId is not null)
            throw Invalid("identityId needs the connectionId of the connect that asked for a choice.", "$.identityId");
        if (platform is null)
            throw Invalid("Pass platform to start a connect, or connectionId to follow one.", "$.platform");

        var which = PlatformNames.Parse(platform);
        var started = await StartAsync(flow, workspaceId, which, platformSetId, cancellationToken);
        logger.LogInformation("Connect {ConnectionId} for {Platform} started from the tool", started.ConnectionId, which.ToWireName());

        var pending = new ConnectResult
        {
            ConnectionId = started.ConnectionId,
            Status = ConnectStatus.Pending,
            Platform = which,
            PlatformSetId = platformSetId,
            WorkspaceId = workspaceId,
        };
        if (request?.Server is not { } server || server.ClientCapabilities?.Elicitation?.Url is null)
            return ToolResults.Success(await ToResultAsync(workspaceId, pending, started, cancellationToken));

        string action;
        try
        {
            var answer = await server.ElicitAsync(new ElicitRequestParams
            {
                Mode = "url",
                ElicitationId = started.ConnectionId,
                Url = started.AuthorizationUrl.AbsoluteUri,
                Message = $"Sign in to {which.ToWireName()} and approve access, so SocialMcp can publish as that account.",
            }, cancellationToken);
            action = answer.Action;
        }
        catch (Exception ex) when (ex is McpException or InvalidOperationException)
        {
            // The client could not show it after all: the plain answer still works.
            logger.LogInformation("URL elicitation for connect {ConnectionId} failed: {Error}", started.ConnectionId, ex.GetType().Name);
            return ToolResults.Success(await ToResultAsync(workspaceId, pending, started, cancellationToken));
        }

        if (action != "accept")
            return ToolResults.Success(await ToResultAsync(workspaceId, pending, started, cancellationToken, elicitation: action));

        var outcome = await WaitForPersonAsync(flow, workspaceId, started, cancellationToken) ?? pending;
        if (outcome.Status != ConnectStatus.Pending)
            await NotifyCompleteAsync(server, started.ConnectionId);
        return ToolResults.Success(await ToResultAsync(workspaceId, outcome, outcome.Status == ConnectStatus.Pending ? started : null,
            cancellationToken, elicitation: action));
    }

    private async Task<ConnectStarted> StartAsync(IAccountConnectFlow flow, string workspaceId, Platform platform, string? platformSetId, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        if (services.GetService<IPlatformOAuth>() is { } oauth && !oauth.IsConfigured(platform))
            missing.AddRange(oauth.RequiredSettings(platform));
        var callback = links.CallbackFor(platform);
        // Over stdio the server runs on the person's machine and can listen on loopback itself; over HTTP the platform must
        // reach this server's public address.
        if (callback is null && !caller.Caller.IsLocal)
            missing.Add("OAuth:PublicBaseUrl");
        if (missing.Count > 0)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.PlatformNotConfigured,
                $"This server cannot connect {platform.ToWireName()} accounts yet: {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not set.",
                "$.platform", platform,
                Hint: "Ask the operator to set them (environment SOCIALMCP_Platforms__<platform>__ClientId / __ClientSecret, SOCIALMCP_OAuth__PublicBaseUrl, or user secrets), then try again.")]);
        }

        if (callback is null)
            return await loopback.StartAsync(workspaceId, platform, platformSetId, cancellationToken);
        return await flow.StartAsync(new ConnectRequest
        {
            WorkspaceId = workspaceId,
            Platform = platform,
            PlatformSetId = platformSetId,
            RedirectUri = callback,
            Channel = ConnectChannel.Tool,
        }, cancellationToken);
    }

    /// <summary>Looks until the connect leaves pending, the wait or the state runs out; null when nothing is known of it.</summary>
    private async Task<ConnectResult?> WaitForPersonAsync(IAccountConnectFlow flow, string workspaceId, ConnectStarted started, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var deadline = now + ElicitationWait < started.ExpiresAt ? now + ElicitationWait : started.ExpiresAt;
        while (true)
        {
            var current = await flow.GetAsync(workspaceId, started.ConnectionId, cancellationToken);
            if (current is null || current.Status != ConnectStatus.Pending || time.GetUtcNow() >= deadline)
                return current;
            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private async Task NotifyCompleteAsync(McpServer server, string connectionId)
    {
        try
        {
            await server.SendNotificationAsync(NotificationMethods.ElicitationCompleteNotification,
                new ElicitationCompleteNotificationParams { ElicitationId = connectionId });
        }
        catch (Exception ex) when (ex is McpException or InvalidOperationException or IOException)
        {
            // Only a courtesy: the tool's result says the same.
            logger.LogDebug("Could not send elicitation/complete for {ConnectionId}: {Error}", connectionId, ex.GetType().Name);
        }
    }

    private async Task<ConnectAccountResult> ToResultAsync(string workspaceId, ConnectResult result, ConnectStarted? started,
        CancellationToken cancellationToken, string? elicitation = null)
    {
        AccountResult? account = null;
        if (result.Account is { } stored)
        {
            var view = (await accounts.ListAccountsAsync(workspaceId, stored.Platform, null, cancellationToken))
                .FirstOrDefault(v => v.Account.Id == stored.Id);
            account = view?.ToResult(links) ?? stored.ToResult(SocialMcp.Core.Domain.TokenHealth.Healthy, links);
        }
        return new ConnectAccountResult
        {
            Summary = Summarize(result, started, elicitation),
            ConnectionId = result.ConnectionId,
            Status = StatusName(result.Status),
            Platform = result.Platform.ToWireName(),
            PlatformSetId = result.PlatformSetId ?? result.Account?.PlatformSetId,
            PlatformSetName = result.PlatformSetName,
            AuthorizationUrl = started?.AuthorizationUrl.AbsoluteUri,
            ExpiresAt = started?.ExpiresAt,
            Account = account,
            Renewed = result.Status == ConnectStatus.Connected ? result.Renewed : null,
            Choices = result.Status == ConnectStatus.ChoiceRequired
                ? result.Choices.Select(c => new IdentityChoiceResult(c.PlatformAccountId, c.Handle, c.DisplayName)).ToList()
                : null,
            Problem = result.Problem is { } problem ? ProblemDto.From(problem) : null,
            Elicitation = elicitation,
        };
    }

    private static string Summarize(ConnectResult result, ConnectStarted? started, string? elicitation) => result.Status switch
    {
        ConnectStatus.Pending when elicitation is "decline" or "cancel" =>
            $"The person did not open the sign-in page ({elicitation}). authorizationUrl still works until {started?.ExpiresAt:O}; or drop the connect.",
        ConnectStatus.Pending when elicitation is "accept" =>
            "The person has not finished signing in yet. Call connect_account with this connectionId to see where it stands.",
        ConnectStatus.Pending when started is not null =>
            $"Give the person authorizationUrl to sign in to {result.Platform.ToWireName()} and approve access (valid until {started.ExpiresAt:O}); then call connect_account with this connectionId.",
        ConnectStatus.ChoiceRequired =>
            ConnectOutcome.Describe(result) + " Call connect_account with this connectionId and identityId (one of choices[].identityId).",
        _ => ConnectOutcome.Describe(result),
    };

    public static string StatusName(ConnectStatus status) => status switch
    {
        ConnectStatus.Pending => "pending",
        ConnectStatus.Connected => "connected",
        ConnectStatus.ChoiceRequired => "choice_required",
        ConnectStatus.Failed => "failed",
        _ => "expired",
    };

    private static DomainValidationException Invalid(string message, string path) =>
        new([new Problem(ErrorCodes.ValidationFailed, message, path)]);

    private static NotFoundException UnknownConnection(string connectionId) => new(new Problem(ErrorCodes.ConnectExpired,
        $"No connect '{connectionId}' in this workspace: it never existed, or it expired and was forgotten.", "$.connectionId",
        Hint: "Start again: call connect_account with the platform."));
}

public sealed record IdentityChoiceResult(string IdentityId, string Handle, string? DisplayName);

public sealed record ConnectAccountResult
{
    public required string Summary { get; init; }
    public required string ConnectionId { get; init; }
    public required string Status { get; init; }
    public required string Platform { get; init; }
    public string? PlatformSetId { get; init; }
    public string? PlatformSetName { get; init; }
    public string? AuthorizationUrl { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public AccountResult? Account { get; init; }
    public bool? Renewed { get; init; }
    public IReadOnlyList<IdentityChoiceResult>? Choices { get; init; }
    public ProblemDto? Problem { get; init; }
    /// <summary>What the client answered when asked to open the URL: accept, decline or cancel; omitted when it was not asked.</summary>
    public string? Elicitation { get; init; }
}

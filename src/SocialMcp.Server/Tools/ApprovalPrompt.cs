using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Server.Access;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>
/// The approval branch of publish_post, schedule_post and withdraw_post (issue 16), and carrying out a decision. When
/// <see cref="ApprovalPolicy"/> holds the action, the post waits in <c>awaiting_approval</c>; if the agent's own client can
/// show a form, the person is asked right there: the tool throws <see cref="InputRequiredException"/> with the question
/// and the post's id sealed in the requestState. Under protocol 2026-07-28 the client answers and calls again
/// (channel <c>input_request</c>); on an older session the SDK sends <c>elicitation/create</c> itself and calls the tool
/// again with the answer (channel <c>elicitation</c>). Accept with approve true carries the action out in the same call;
/// decline, cancel or approve false rejects it. A client that can ask nothing gets the waiting post, and a person decides
/// later with approve_post or reject_post. That the agent's own client asks is by design: the client, not the agent,
/// shows the person the question, and the decision is recorded with the client's name and version.
/// </summary>
public sealed class ApprovalPrompt(PostService posts, ApprovalPolicy policy, RequestStateProtector states, BoundedPublish bounded, ReconnectHints hints)
{
    /// <summary>The key of the one input the question asks for.</summary>
    public const string InputKey = "approval";

    /// <summary>The first protocol revision whose clients answer input requests themselves (multi-round-trip).</summary>
    private const string MultiRoundTripRevision = "2026-07-28";

    /// <summary>publish_post's branch: the result when the publish waits for (or got) a decision, null when it goes on as usual.</summary>
    public async Task<CallToolResult?> PublishAsync(
        RequestContext<CallToolRequestParams> request, string workspaceId, PublishPostCommand command, string requestedBy, CancellationToken cancellationToken)
    {
        if (request.Params?.RequestState is { } state)
            return await ResumeAsync(request, "publish_post", workspaceId, requestedBy, state, withdrawShape: false, cancellationToken);
        var held = await posts.HoldPublishAsync(policy, workspaceId, command, requestedBy, cancellationToken);
        return held is null ? null : Held(request, "publish_post", held, withdrawShape: false);
    }

    /// <summary>schedule_post's branch (the time already read from the arguments).</summary>
    public async Task<CallToolResult?> ScheduleAsync(
        RequestContext<CallToolRequestParams> request, string workspaceId, string postId, DateTimeOffset? scheduledFor, string? slot, int? version,
        string? planHash, string? timeZone, TimeSpan? maxLateness, string requestedBy, CancellationToken cancellationToken)
    {
        if (request.Params?.RequestState is { } state)
            return await ResumeAsync(request, "schedule_post", workspaceId, requestedBy, state, withdrawShape: false, cancellationToken);
        var held = await posts.HoldScheduleAsync(policy, workspaceId, postId, scheduledFor, slot, version, planHash, timeZone, maxLateness, requestedBy,
            cancellationToken);
        return held is null ? null : Held(request, "schedule_post", held, withdrawShape: false);
    }

    /// <summary>withdraw_post's branch.</summary>
    public async Task<CallToolResult?> WithdrawAsync(
        RequestContext<CallToolRequestParams> request, string workspaceId, string postId, IReadOnlyList<Platform>? platforms, int? version,
        string requestedBy, CancellationToken cancellationToken)
    {
        if (request.Params?.RequestState is { } state)
            return await ResumeAsync(request, "withdraw_post", workspaceId, requestedBy, state, withdrawShape: true, cancellationToken);
        var held = await posts.HoldWithdrawAsync(policy, workspaceId, postId, platforms, version, requestedBy, cancellationToken);
        return held is null ? null : Held(request, "withdraw_post", held, withdrawShape: true);
    }

    /// <summary>
    /// Carries out the action a post waits for (approve_post, or the person's yes through the client): publish as publish_post
    /// does (bounded wait, progress), schedule at the time asked, or withdraw_post's flow.
    /// </summary>
    public async Task<CallToolResult> ApproveAsync(
        RequestContext<CallToolRequestParams> request, string workspaceId, string postId, ApprovalDecider decider, bool withdrawShape,
        CancellationToken cancellationToken)
    {
        var held = await posts.GetPendingApprovalAsync(workspaceId, postId, cancellationToken);
        switch (held.Action)
        {
            case ApprovalAction.Publish:
            {
                var (details, stillPublishing) = await bounded.RunAsync(workspaceId, postId, request,
                    (steps, ct) => posts.ApprovePublishAsync(workspaceId, postId, decider, steps, ct), cancellationToken);
                var result = await hints.AddAsync(workspaceId, details.ToResult(stillPublishing: stillPublishing), cancellationToken);
                return Shaped(result with { Summary = "Approved; publishing went ahead. " + result.Summary }, withdrawShape);
            }
            case ApprovalAction.Schedule:
            {
                var details = await posts.ApproveScheduleAsync(workspaceId, postId, decider, cancellationToken);
                var result = details.ToResult();
                return Shaped(result with { Summary = "Approved. " + result.Summary }, withdrawShape);
            }
            default:
            {
                var withdrawn = (await posts.ApproveWithdrawAsync(workspaceId, postId, decider, cancellationToken)).ToResult();
                var summary = "Approved. " + withdrawn.Summary;
                return withdrawShape
                    ? ToolResults.Success(withdrawn with { Summary = summary })
                    : ToolResults.Success(withdrawn.Post with { Summary = summary + " " + withdrawn.Post.Summary });
            }
        }
    }

    private const string ApiKeyPrefix = "api key ";

    /// <summary>Who asks or decides: the API key or OAuth grant id (never a secret), or the local operator on stdio.</summary>
    public static string CallerName(object workspace) => workspace is CallerContext { Caller: var caller }
        ? caller.IsLocal ? "local operator" : ApiKeyPrefix + caller.KeyId
        : "local operator";

    /// <summary>The caller's key (or OAuth grant) id, as the audit log's key column has it; null on stdio.</summary>
    public static string? CallerKeyId(object workspace) => workspace is CallerContext { Caller: var caller } ? caller.KeyId : null;

    private CallToolResult Held(RequestContext<CallToolRequestParams> request, string toolName, PostDetails held, bool withdrawShape)
    {
        if (!CanAsk(request.Server))
            return Shaped(held.ToResult(), withdrawShape);
        throw new InputRequiredException(
            new Dictionary<string, InputRequest> { [InputKey] = InputRequest.ForElicitation(Question(held.Post)) },
            states.Protect(Operation(toolName), request.User, held.Post.Id));
    }

    private async Task<CallToolResult> ResumeAsync(
        RequestContext<CallToolRequestParams> request, string toolName, string workspaceId, string requestedBy, string state, bool withdrawShape,
        CancellationToken cancellationToken)
    {
        var keyId = requestedBy.StartsWith(ApiKeyPrefix, StringComparison.Ordinal) ? requestedBy[ApiKeyPrefix.Length..] : null;
        var postId = states.Unprotect(Operation(toolName), request.User, state);
        var answer = Answer(request.Params);
        if (answer is null)
        {
            // Asked, but no answer came back: the post keeps waiting for approve_post or reject_post.
            return Shaped((await posts.GetAsync(workspaceId, postId, cancellationToken)).ToResult(), withdrawShape);
        }
        var client = request.Server.ClientInfo;
        var decider = new ApprovalDecider(ChannelOf(request.Server), requestedBy, client?.Name, client?.Version) { KeyId = keyId };
        if (answer.IsAccepted && Field(answer, "approve") is { ValueKind: JsonValueKind.True })
            return await ApproveAsync(request, workspaceId, postId, decider, withdrawShape, cancellationToken);

        var reason = Field(answer, "reason") is { ValueKind: JsonValueKind.String } given && !string.IsNullOrWhiteSpace(given.GetString())
            ? given.GetString()!
            : answer.Action switch
            {
                "accept" => "rejected in the client without a reason",
                "decline" => "declined in the client",
                _ => "cancelled in the client",
            };
        var rejected = (await posts.RejectAsync(workspaceId, postId, reason, decider, cancellationToken)).ToResult();
        return Shaped(rejected with { Summary = $"Rejected ({reason}); nothing was done. " + rejected.Summary }, withdrawShape);
    }

    private static CallToolResult Shaped(PostResult post, bool withdrawShape) =>
        withdrawShape ? ToolResults.Success(new WithdrawResultDto(post.Summary, post, [])) : ToolResults.Success(post);

    /// <summary>A client that can show a form: elicitation declared with form mode (or with no mode named, which means form).</summary>
    public static bool CanAsk(McpServer server) =>
        server.ClientCapabilities?.Elicitation is { } elicitation && (elicitation.Form is not null || elicitation.Url is null);

    private static string ChannelOf(McpServer server) =>
        server.NegotiatedProtocolVersion is { } version && string.CompareOrdinal(version, MultiRoundTripRevision) < 0
            ? ApprovalChannels.Elicitation
            : ApprovalChannels.InputRequest;

    private static string Operation(string toolName) => $"{RequestMethods.ToolsCall}:{toolName}:approval";

    /// <summary>What the person sees: the action, when, where, the text (shortened) and who asked.</summary>
    public static ElicitRequestParams Question(Post post)
    {
        var held = post.Approval!;
        var text = post.Content.Parts[0].Text;
        var excerpt = text.Length <= 280 ? text : text[..277] + "...";
        var when = held.Action switch
        {
            ApprovalAction.Publish => "now",
            ApprovalAction.Schedule => $"at {held.ScheduledFor:yyyy-MM-dd HH:mm} UTC",
            _ => "(take it down)",
        };
        return new ElicitRequestParams
        {
            Message = $"Approve: {held.Action.ToWireName()} {when} on {string.Join(", ", post.Platforms.Select(p => p.ToWireName()))}?\n"
                + $"Text: \"{excerpt}\"\n"
                + $"Asked by {held.RequestedBy ?? "an agent"} at {held.RequestedAt:yyyy-MM-dd HH:mm} UTC. Nothing is posted or changed until you answer.",
            RequestedSchema = new()
            {
                Properties =
                {
                    ["approve"] = new ElicitRequestParams.BooleanSchema
                    {
                        Title = "Approve",
                        Description = "Yes carries it out now; no rejects it and the post goes back to how it was.",
                    },
                    ["reason"] = new ElicitRequestParams.StringSchema
                    {
                        Title = "Reason",
                        Description = "Why, when you reject (the agent reads it).",
                        MaxLength = 500,
                    },
                },
                Required = ["approve"],
            },
        };
    }

    private static ElicitResult? Answer(RequestParams? parameters)
    {
        if (parameters?.InputResponses?.TryGetValue(InputKey, out var response) is not true || response.RawValue.ValueKind != JsonValueKind.Object)
            return null;
        try
        {
            return response.Deserialize(InputResponse.ElicitResultJsonTypeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Field(ElicitResult answer, string name) =>
        answer.Content?.TryGetValue(name, out var value) is true ? value : null;
}

using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Posts;
using SocialMcp.Server.Access;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>
/// A person's decision on what an agent asked for under <c>Approvals:Required</c> (issue 16). Both need the
/// <c>posts:approve</c> scope, which no key or token gets unless it is asked for by name, and which the stdio session
/// (the agent itself) does not hold: there the person answers through the client (see <see cref="ApprovalPrompt"/>).
/// </summary>
[McpServerToolType]
public sealed class ApprovalTools(PostService posts, IWorkspaceContext workspace, ApprovalPrompt prompt)
{
    [McpServerTool(Name = "approve_post", Title = "Approve what an agent asked for", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = true)]
    [ToolAccess(Scopes.PostsApprove, ToolOperation.Publish)]
    [Description("""
        For a person (a key with the posts:approve scope): approves the action a post in awaiting_approval waits for and
        carries it out now, exactly as the agent asked. publish: publishes as publish_post does (same result, waiting and
        progress); schedule: the post is scheduled at the time asked (if that time has passed, the scheduler fires it at once,
        or marks it missed when it is later than the post's lateness allows); withdraw: takes it down as withdraw_post does
        (the summary lists what came down). The decision, who made it and how are recorded in the post's events
        (approval_granted), the audit log and the post.approved webhook.
        Errors: INVALID_STATUS_TRANSITION (the post is not awaiting_approval: nothing to approve; the message names its status),
        FORBIDDEN_SCOPE (the key lacks posts:approve), POST_NOT_FOUND, and the errors of the action carried out.
        """)]
    public Task<CallToolResult> ApprovePost(string postId, RequestContext<CallToolRequestParams>? request = null, CancellationToken cancellationToken = default) =>
        prompt.ApproveAsync(request!, workspace.WorkspaceId, postId, Decider(ApprovalChannels.ApprovePost, request), withdrawShape: false, cancellationToken);

    [McpServerTool(Name = "reject_post", Title = "Reject what an agent asked for", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsApprove, ToolOperation.Create)]
    [Description("""
        For a person (a key with the posts:approve scope): rejects the action a post in awaiting_approval waits for, with a
        reason the agent can act on. Nothing reaches a platform; the post returns to the status it had before (draft,
        scheduled, missed, published or partial) and the request is cleared. Recorded in the post's events
        (approval_rejected, with the reason), the audit log and the post.rejected webhook.
        Errors: VALIDATION_FAILED (reason missing or blank, $.reason), INVALID_STATUS_TRANSITION (the post is not
        awaiting_approval), FORBIDDEN_SCOPE (the key lacks posts:approve), POST_NOT_FOUND.
        """)]
    public async Task<CallToolResult> RejectPost(string postId, string reason, RequestContext<CallToolRequestParams>? request = null,
        CancellationToken cancellationToken = default)
    {
        var details = await posts.RejectAsync(workspace.WorkspaceId, postId, reason, Decider(ApprovalChannels.RejectPost, request), cancellationToken);
        var result = details.ToResult();
        return ToolResults.Success(result with { Summary = $"Rejected ({reason}); nothing was done. " + result.Summary });
    }

    private ApprovalDecider Decider(string channel, RequestContext<CallToolRequestParams>? request) =>
        new(channel, ApprovalPrompt.CallerName(workspace), request?.Server.ClientInfo?.Name, request?.Server.ClientInfo?.Version)
        {
            KeyId = ApprovalPrompt.CallerKeyId(workspace),
        };
}

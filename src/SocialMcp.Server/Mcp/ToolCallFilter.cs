using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Telemetry;
using SocialMcp.Schema;
using SocialMcp.Server.Access;
using SocialMcp.Server.Mcp.BadInput;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// Wraps every tools/call, in this order: records who is calling (for the tool and the audit log); answers an
/// unknown tool name as an isError result (counted against the caller's read budget on both transports); checks the
/// caller's scope; applies the stdio rate limit (HTTP callers were limited by the gate already); reads the arguments
/// (<see cref="BadInput.ToolArguments"/>) and validates them against exactly the inputSchema that tools/list
/// advertises (the SDK itself would coerce "5" to 5 and pass a missing nested field as null); runs the tool and
/// is the one translator from domain exceptions to error results; finally appends the call to the audit log (group
/// commit: the call returns once its entry is stored). A call that writes has its entry stored by its first write, in
/// that write's transaction (<see cref="ToolCallAudit"/>), and corrected here if the call then ended otherwise.
/// </summary>
public sealed class ToolCallFilter(ToolSchemaCatalog schemas, ToolRateLimiter rateLimiter, IStore store, TimeProvider time, ILogger<ToolCallFilter> logger)
{
    private readonly AuditLogWriter _audit = new(store);

    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var caller = Caller.From(context.User);
        if (context.Services?.GetService<CallerContext>() is { } callerContext)
            callerContext.Caller = caller;

        // Telemetry (docs/telemetry.md): the span every publish and platform call of this tool call nests under.
        using var activity = StartToolActivity(context, caller);
        // The call's audit row is offered to its first write, to share that write's commit (ToolCallAudit).
        var audit = new ToolCallAudit(() => AuditEntryOf(context, caller, "ok", time.GetElapsedTime(started)));
        CallToolResult result;
        try
        {
            using (audit.Begin())
                result = await InvokeCoreAsync(context, caller, next, cancellationToken);
        }
        catch (Exception ex) when (RecordThrown(activity, context, ex, time.GetElapsedTime(started)))
        {
            throw; // Never reached: the filter records and returns false, so the exception goes on untouched.
        }
        catch (Exception ex)
        {
            // A call that throws has no audit row of its own, unless a write of it stored one: that one is corrected.
            await AuditThrownAsync(audit, context, caller, ThrownOutcome(ex), time.GetElapsedTime(started));
            throw;
        }
        var duration = time.GetElapsedTime(started);
        var outcome = OutcomeOf(result);
        RecordTelemetry(activity, context, outcome, duration);
        await AuditAsync(audit, AuditEntryOf(context, caller, outcome, duration));
        return result;
    }

    /// <summary>Span names per tool, made once: a call allocates nothing for its span name.</summary>
    private static readonly ConcurrentDictionary<string, string> ToolSpanNames = new(StringComparer.Ordinal);

    /// <summary>The tool's name when it is one of ours; anything a caller made up is "unknown", so names stay a bounded set.</summary>
    private static string TelemetryToolName(RequestContext<CallToolRequestParams> context) =>
        context.MatchedPrimitive is McpServerTool tool ? tool.ProtocolTool.Name : "unknown";

    private static Activity? StartToolActivity(RequestContext<CallToolRequestParams> context, Caller caller)
    {
        if (!SocialMcpTelemetry.Source.HasListeners())
            return null;
        var tool = TelemetryToolName(context);
        var name = ToolSpanNames.GetOrAdd(tool, static t => $"{SocialMcpTelemetry.Spans.ToolCall} {t}");
        var activity = SocialMcpTelemetry.Source.StartActivity(name, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SocialMcpTelemetry.Tags.Tool, tool);
            activity.SetTag(SocialMcpTelemetry.Tags.Workspace, caller.WorkspaceId);
        }
        return activity;
    }

    private static void RecordTelemetry(Activity? activity, RequestContext<CallToolRequestParams> context, string outcome, TimeSpan duration)
    {
        if (activity is not null)
        {
            activity.SetTag(SocialMcpTelemetry.Tags.Outcome, outcome);
            if (outcome != "ok")
                activity.SetStatus(ActivityStatusCode.Error, outcome);
        }
        if (SocialMcpTelemetry.ToolDuration.Enabled)
        {
            SocialMcpTelemetry.ToolDuration.Record(duration.TotalMilliseconds,
                new KeyValuePair<string, object?>(SocialMcpTelemetry.Tags.Tool, TelemetryToolName(context)),
                new KeyValuePair<string, object?>(SocialMcpTelemetry.Tags.Outcome, outcome));
        }
    }

    /// <summary>A call that ended in an exception (cancelled, a protocol error, a request for more input) is measured too.</summary>
    private static bool RecordThrown(Activity? activity, RequestContext<CallToolRequestParams> context, Exception ex, TimeSpan duration)
    {
        RecordTelemetry(activity, context, ThrownOutcome(ex), duration);
        return false;
    }

    private static string ThrownOutcome(Exception ex) => ex switch
    {
        InputRequiredException => "input_required",
        OperationCanceledException => "cancelled",
        McpProtocolException => "protocol_error",
        _ => ErrorCodes.InternalError,
    };

    /// <summary>"ok", or the error code of a failed call.</summary>
    private static string OutcomeOf(CallToolResult result) =>
        result.IsError == true && result.StructuredContent is { } structured
            && structured.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code)
            ? code.GetString() ?? ErrorCodes.InternalError
            : "ok";

    private async ValueTask<CallToolResult> InvokeCoreAsync(
        RequestContext<CallToolRequestParams> context, Caller caller,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        var toolName = context.Params?.Name ?? "";
        if (context.MatchedPrimitive is not McpServerTool tool || schemas.Find(toolName) is not { } schema)
        {
            // Answering costs work too: unknown names draw on the caller's read budget, on both transports.
            if (RateLimited(caller.RatePartition, ToolOperation.Read) is { } limited)
                return limited;
            return ToolResults.Failure(new Problem(ErrorCodes.UnknownTool,
                $"There is no tool named '{InputExcerpt.Of(toolName)}'.", "$.name",
                Hint: "Call tools/list to see the available tools, e.g. create_post, publish_post, list_accounts."));
        }

        var access = ToolAccessCatalog.AccessOf(tool);
        if (!caller.Scopes.Contains(access.Scope))
        {
            return ToolResults.Failure(new Problem(ErrorCodes.ForbiddenScope,
                $"This API key or access token lacks the scope '{access.Scope}', which {toolName} needs.", null,
                Hint: $"Ask the person running the server for a key with the '{access.Scope}' scope, or to approve this client again with it."));
        }

        if (RateLimited(caller.RatePartition, access.Operation) is { } rateLimited)
            return rateLimited;

        var (arguments, unreadable) = ToolArguments.Read(context.Params?.Arguments);
        if (unreadable is not null)
            return ToolResults.Failure(unreadable);
        var errors = schema.Validator.Validate(arguments);
        if (errors.Count > 0)
            return SchemaFailure(errors);
        // The tool binds what was validated (integral numbers such as 1.0 rewritten as 1), not the raw dictionary.
        if (context.Params is { Arguments.Count: > 0 } parameters)
            parameters.Arguments = ToolArguments.AsDictionary(arguments);

        // Read before the tool runs: only a failure here is the caller's argument; anything the tool throws is ours.
        if (ToolArgumentReader.FindUnreadable(toolName, context.Params?.Arguments) is { } unbindable)
            return ToolResults.Failure(unbindable);

        try
        {
            return await next(context, cancellationToken);
        }
        catch (SocialMcpException ex)
        {
            return ToolResults.Failure(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not McpProtocolException and not InputRequiredException)
        {
            // Raw exceptions can carry paths, URLs or tokens: log them, never return them. The error id ties the two together.
            var errorId = Guid.NewGuid().ToString("N")[..16];
            logger.LogError(ex, "Tool {Tool} failed unexpectedly (error id {ErrorId})", toolName, errorId);
            return ToolResults.Failure(new Problem(ErrorCodes.InternalError,
                $"{toolName} failed unexpectedly (error id {errorId}); nothing is known to have changed.", null,
                Hint: "Call get_post or list_posts to check the state, then try again. If it keeps failing, tell the person running the server the error id."));
        }
    }

    private AuditEntry AuditEntryOf(RequestContext<CallToolRequestParams> context, Caller caller, string outcome, TimeSpan duration)
    {
        var client = context.Server.ClientInfo;
        return new AuditEntry
        {
            WorkspaceId = caller.WorkspaceId,
            KeyId = caller.KeyId,
            ClientName = client?.Name,
            ClientVersion = client?.Version,
            SessionId = context.Server.SessionId,
            Tool = context.Params?.Name ?? "",
            Outcome = outcome,
            DurationMs = duration.TotalMilliseconds,
            OccurredAt = time.GetUtcNow(),
        };
    }

    private async Task AuditAsync(ToolCallAudit audit, AuditEntry entry)
    {
        try
        {
            await _audit.RecordAsync(audit, entry);
        }
        catch (Exception ex)
        {
            // A failed audit write must not turn a done publish into an error the agent would retry.
            logger.LogError(ex, "Could not append tool call {Tool} to the audit log", entry.Tool);
        }
    }

    private async Task AuditThrownAsync(ToolCallAudit audit, RequestContext<CallToolRequestParams> context, Caller caller, string outcome, TimeSpan duration)
    {
        try
        {
            if (await audit.CloseAsync() is not null)
                await _audit.RecordAsync(audit, AuditEntryOf(context, caller, outcome, duration));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not correct the audit entry of tool call {Tool}", context.Params?.Name);
        }
    }

    private CallToolResult? RateLimited(string partition, ToolOperation operation)
    {
        var decision = rateLimiter.TryAcquire(partition, operation);
        if (decision.Admitted)
            return null;
        var resetAt = time.GetUtcNow() + decision.ResetAfter;
        return ToolResults.Failure(new Problem(ErrorCodes.RateLimited,
            $"Too many {operation.ToString().ToLowerInvariant()} calls: the limit is {decision.Limit} per window; it resets at {resetAt:O}.", null,
            Hint: $"Wait {Math.Ceiling(decision.ResetAfter.TotalSeconds)} seconds, then call again."));
    }

    /// <summary>The first few schema errors; one reply stays small however many properties a caller sends wrong.</summary>
    private const int MaxProblems = 10;

    private static CallToolResult SchemaFailure(IReadOnlyList<SchemaValidationError> errors)
    {
        var problems = errors.Take(MaxProblems).Select(e => new Problem(CodeFor(e),
            InputExcerpt.Of($"{e.Path}: {e.Message}", 4 * InputExcerpt.MaxChars), InputExcerpt.Of(e.Path, 2 * InputExcerpt.MaxChars),
            Hint: "Fix this argument and call again; the tool's inputSchema in tools/list describes every field.")).ToList();
        if (errors.Count > MaxProblems)
        {
            problems.Add(new Problem(ErrorCodes.ValidationFailed, $"…and {errors.Count - MaxProblems} more problems, not listed.", "$",
                Hint: "Fix the problems above and call again to see the rest."));
        }
        return ToolResults.Failure(problems[0], problems);
    }

    // An empty platforms list has a code of its own, so agents can tell it from other bad input.
    private static string CodeFor(SchemaValidationError error) =>
        error.Keyword == "minItems" && error.Path == "$.platforms" ? ErrorCodes.NoPlatformsSelected : ErrorCodes.ValidationFailed;
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Errors;
using SocialMcp.Schema;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// Wraps every tools/call: answers an unknown tool name as an isError result, validates the arguments against
/// exactly the inputSchema that tools/list advertises before the tool runs (the SDK itself would coerce "5" to 5
/// and pass a missing nested field as null), and is the one translator from domain exceptions to error results.
/// </summary>
public sealed class ToolCallFilter(ToolSchemaCatalog schemas, ILogger<ToolCallFilter> logger)
{
    private static readonly JsonElement EmptyArguments = JsonDocument.Parse("{}").RootElement.Clone();

    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var toolName = context.Params?.Name ?? "";
        if (context.MatchedPrimitive is not McpServerTool || schemas.Find(toolName) is not { } schema)
        {
            return ToolResults.Failure(new Problem(ErrorCodes.UnknownTool,
                $"There is no tool named '{toolName}'.", "$.name",
                Hint: "Call tools/list to see the available tools, e.g. create_post, publish_post, list_accounts."));
        }

        var arguments = ArgumentsAsJson(context.Params?.Arguments);
        var errors = schema.Validator.Validate(arguments);
        if (errors.Count > 0)
            return SchemaFailure(errors);

        try
        {
            return await next(context, cancellationToken);
        }
        catch (SocialMcpException ex)
        {
            return ToolResults.Failure(ex);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException)
        {
            // The schema accepted a value that could not be bound (e.g. a leap second in a date-time).
            logger.LogWarning(ex, "Tool {Tool} could not bind its arguments", toolName);
            return ToolResults.Failure(new Problem(ErrorCodes.ValidationFailed,
                "An argument has a valid shape but could not be read (for example a date-time that does not exist).", "$",
                Hint: "Check dates and times: ISO 8601 with an explicit offset, e.g. 2026-12-01T09:00:00+01:00."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not McpProtocolException)
        {
            // Raw exceptions can carry paths, URLs or tokens: log them, never return them.
            logger.LogError(ex, "Tool {Tool} failed unexpectedly", toolName);
            return ToolResults.Failure(new Problem(ErrorCodes.InternalError,
                $"{toolName} failed unexpectedly; nothing is known to have changed.", null,
                Hint: "Call get_post or list_posts to check the state, then try again. If it keeps failing, tell the person running the server."));
        }
    }

    private static JsonElement ArgumentsAsJson(IDictionary<string, JsonElement>? arguments) =>
        arguments is null || arguments.Count == 0 ? EmptyArguments : JsonSerializer.SerializeToElement(arguments);

    private static CallToolResult SchemaFailure(IReadOnlyList<SchemaValidationError> errors)
    {
        var problems = errors.Select(e => new Problem(CodeFor(e), $"{e.Path}: {e.Message}", e.Path,
            Hint: "Fix this argument and call again; the tool's inputSchema in tools/list describes every field.")).ToList();
        return ToolResults.Failure(problems[0], problems);
    }

    // An empty platforms list has a code of its own, so agents can tell it from other bad input.
    private static string CodeFor(SchemaValidationError error) =>
        error.Keyword == "minItems" && error.Path == "$.platforms" ? ErrorCodes.NoPlatformsSelected : ErrorCodes.ValidationFailed;
}

using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Server.Access;

namespace SocialMcp.ConformanceHost;

// The suite still tests sampling, logging and legacy titled enums, which the SDK marks obsolete for later revisions.
#pragma warning disable MCP9001, MCP9005

/// <summary>
/// The tools the conformance suite's server scenarios call by name, each returning what its scenario expects. Like every
/// tool they need a schema (Conformance/Schemas) and a <see cref="ToolAccessAttribute"/>; they read and change nothing.
/// </summary>
[McpServerToolType]
public static class ConformanceTools
{
    // 1×1 red PNG and a WAV with one silent sample: the smallest valid files of each kind.
    internal static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    private static readonly byte[] Wav = Convert.FromBase64String("UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQIAAAAAAA==");

    // The scenarios check that notifications arrive during the call, spaced by "~50ms".
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    [McpServerTool(Name = "test_simple_text", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: returns one text content block.")]
    public static CallToolResult SimpleText() => Text("This is a simple text response for testing.");

    [McpServerTool(Name = "test_image_content", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: returns one image content block (a 1x1 PNG).")]
    public static CallToolResult ImageContent() => new() { Content = [ImageContentBlock.FromBytes(Png, "image/png")] };

    [McpServerTool(Name = "test_audio_content", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: returns one audio content block (a minimal WAV).")]
    public static CallToolResult AudioContent() => new() { Content = [AudioContentBlock.FromBytes(Wav, "audio/wav")] };

    [McpServerTool(Name = "test_embedded_resource", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: returns one embedded text resource.")]
    public static CallToolResult EmbeddedResource() => new()
    {
        Content =
        [
            new EmbeddedResourceBlock
            {
                Resource = new TextResourceContents
                {
                    Uri = "test://embedded-resource", MimeType = "text/plain", Text = "This is an embedded resource content.",
                },
            },
        ],
    };

    [McpServerTool(Name = "test_multiple_content_types", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: returns a text, an image and an embedded resource content block.")]
    public static CallToolResult MultipleContentTypes() => new()
    {
        Content =
        [
            new TextContentBlock { Text = "Multiple content types test:" },
            ImageContentBlock.FromBytes(Png, "image/png"),
            new EmbeddedResourceBlock
            {
                Resource = new TextResourceContents
                {
                    Uri = "test://mixed-content-resource", MimeType = "application/json", Text = """{"test":"data","value":123}""",
                },
            },
        ],
    };

    [McpServerTool(Name = "test_tool_with_logging", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: sends three info log notifications, 50 ms apart, while it runs.")]
    public static async Task<CallToolResult> ToolWithLogging(McpServer server, TimeProvider time, CancellationToken cancellationToken)
    {
        await LogAsync(server, "Tool execution started", cancellationToken);
        await Task.Delay(Step, time, cancellationToken);
        await LogAsync(server, "Tool processing data", cancellationToken);
        await Task.Delay(Step, time, cancellationToken);
        await LogAsync(server, "Tool execution completed", cancellationToken);
        return Text("Tool with logging executed successfully.");
    }

    [McpServerTool(Name = "test_tool_with_progress", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: reports progress 0, 50 and 100 of 100, 50 ms apart, when the call carries a progress token.")]
    public static async Task<CallToolResult> ToolWithProgress(
        McpServer server, RequestContext<CallToolRequestParams> context, TimeProvider time, CancellationToken cancellationToken)
    {
        var token = context.Params?.ProgressToken;
        foreach (var progress in new[] { 0, 50, 100 })
        {
            if (progress > 0)
                await Task.Delay(Step, time, cancellationToken);
            if (token is { } progressToken)
                await server.NotifyProgressAsync(progressToken, new ProgressNotificationValue { Progress = progress, Total = 100 }, cancellationToken: cancellationToken);
        }
        return Text(token is null ? "Done; the call had no progress token." : $"Done; progress reported for token {token}.");
    }

    [McpServerTool(Name = "test_error_handling", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: always fails, as a tool result with isError.")]
    public static CallToolResult ErrorHandling() => Error("This tool intentionally returns an error for testing");

    [McpServerTool(Name = "test_sampling", ReadOnly = true, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: asks the client's LLM (sampling/createMessage) to answer prompt and returns the answer.")]
    public static CallToolResult Sampling(RequestContext<CallToolRequestParams> context, string prompt)
    {
        if (MrtrInputs.Sampled(context.Params, "answer") is { } sampled)
            return Text($"LLM response: {MrtrInputs.Text(sampled)}");
        if (CannotAsk(context, context.Server.ClientCapabilities?.Sampling is not null, "sampling") is { } refusal)
            return refusal;
        throw ConformanceMrtrTools.Ask(("answer", ConformanceMrtrTools.Sample(prompt, 100)));
    }

    [McpServerTool(Name = "test_elicitation", ReadOnly = true, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture: asks the user (elicitation/create) for a username and an email, showing message.")]
    public static CallToolResult Elicitation(RequestContext<CallToolRequestParams> context, string message) =>
        Elicit(context, message, new ElicitRequestParams.RequestSchema
        {
            Properties =
            {
                ["username"] = new ElicitRequestParams.StringSchema { Description = "User's response" },
                ["email"] = new ElicitRequestParams.StringSchema { Description = "User's email address" },
            },
            Required = ["username", "email"],
        }, "User response");

    [McpServerTool(Name = "test_elicitation_sep1034_defaults", ReadOnly = true, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-1034): elicits a form whose string, integer, number, enum and boolean fields have defaults.")]
    public static CallToolResult ElicitationSep1034Defaults(RequestContext<CallToolRequestParams> context) =>
        Elicit(context, "Test client default value handling - please accept with defaults", new ElicitRequestParams.RequestSchema
        {
            Properties =
            {
                ["name"] = new ElicitRequestParams.StringSchema { Description = "User name", Default = "John Doe" },
                ["age"] = new ElicitRequestParams.NumberSchema { Type = "integer", Description = "User age", Default = 30 },
                ["score"] = new ElicitRequestParams.NumberSchema { Description = "User score", Default = 95.5 },
                ["status"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema
                {
                    Description = "User status", Enum = ["active", "inactive", "pending"], Default = "active",
                },
                ["verified"] = new ElicitRequestParams.BooleanSchema { Description = "Verification status", Default = true },
            },
        }, "Elicitation completed");

    [McpServerTool(Name = "test_elicitation_sep1330_enums", ReadOnly = true, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-1330): elicits a form with each enum variant: untitled, titled and legacy single-select, untitled and titled multi-select.")]
    public static CallToolResult ElicitationSep1330Enums(RequestContext<CallToolRequestParams> context) =>
        Elicit(context, "Test enum schema variants - please pick values", new ElicitRequestParams.RequestSchema
        {
            Properties =
            {
                ["untitledSingle"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema
                {
                    Description = "Untitled single-select", Enum = ["option1", "option2", "option3"],
                },
                ["titledSingle"] = new ElicitRequestParams.TitledSingleSelectEnumSchema
                {
                    Description = "Titled single-select",
                    OneOf = [Option("value1", "First Option"), Option("value2", "Second Option"), Option("value3", "Third Option")],
                },
                ["legacyEnum"] = new ElicitRequestParams.LegacyTitledEnumSchema
                {
                    Description = "Legacy titled enum", Enum = ["opt1", "opt2", "opt3"], EnumNames = ["Option One", "Option Two", "Option Three"],
                },
                ["untitledMulti"] = new ElicitRequestParams.UntitledMultiSelectEnumSchema
                {
                    Description = "Untitled multi-select",
                    Items = new ElicitRequestParams.UntitledEnumItemsSchema { Enum = ["option1", "option2", "option3"] },
                },
                ["titledMulti"] = new ElicitRequestParams.TitledMultiSelectEnumSchema
                {
                    Description = "Titled multi-select",
                    Items = new ElicitRequestParams.TitledEnumItemsSchema
                    {
                        AnyOf = [Option("value1", "First Choice"), Option("value2", "Second Choice"), Option("value3", "Third Choice")],
                    },
                },
            },
        }, "Elicitation completed");

    [McpServerTool(Name = "json_schema_2020_12_tool", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-1613): its inputSchema keeps the JSON Schema 2020-12 keywords $schema, $defs and additionalProperties.")]
    public static CallToolResult JsonSchema202012(string? name = null, JsonElement? address = null) =>
        Text($"name={name ?? "(none)"}, address={(address is { } value ? value.GetRawText() : "(none)")}");

    [McpServerTool(Name = "test_reconnection", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-1699): answers after a short pause, for the SSE polling scenario.")]
    public static async Task<CallToolResult> Reconnection(TimeProvider time, CancellationToken cancellationToken)
    {
        await Task.Delay(Step, time, cancellationToken);
        return Text("Reconnection test completed.");
    }

    private static CallToolResult Text(string text) => new() { Content = [new TextContentBlock { Text = text }] };

    private static CallToolResult Error(string text) => new() { IsError = true, Content = [new TextContentBlock { Text = text }] };

    private static ElicitRequestParams.EnumSchemaOption Option(string value, string title) => new() { Const = value, Title = title };

    // Honours logging/setLevel when this server instance has seen one; a stateless server has not, so it sends.
    private static Task LogAsync(McpServer server, string message, CancellationToken cancellationToken) =>
        server.LoggingLevel is { } level && level > LoggingLevel.Info
            ? Task.CompletedTask
            : server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, new LoggingMessageNotificationParams
            {
                Level = LoggingLevel.Info,
                Logger = "conformance",
                Data = JsonSerializer.SerializeToElement(message),
            }, McpJsonUtilities.DefaultOptions, cancellationToken);

    // Written once for every revision: the tool throws InputRequiredException; on 2026-07-28 the client answers and calls
    // again (MRTR), on an older revision over a session the SDK sends the legacy request itself and calls the tool again.
    private static CallToolResult Elicit(
        RequestContext<CallToolRequestParams> context, string message, ElicitRequestParams.RequestSchema schema, string label)
    {
        if (MrtrInputs.Elicited(context.Params, "form") is { } answer)
            return Text($"{label}: action={answer.Action}, content={JsonSerializer.Serialize(answer.Content)}");
        if (CannotAsk(context, context.Server.ClientCapabilities?.Elicitation is not null, "elicitation") is { } refusal)
            return refusal;
        throw ConformanceMrtrTools.Ask(("form", InputRequest.ForElicitation(new ElicitRequestParams { Message = message, RequestedSchema = schema })));
    }

    /// <summary>Why the client cannot be asked, as a tool error; null when it can.</summary>
    private static CallToolResult? CannotAsk(RequestContext<CallToolRequestParams> context, bool declared, string capability) =>
        !context.Server.IsMrtrSupported
            ? Error("This tool must ask the client a question, which needs protocol 2026-07-28 (multi-round-trip requests) or a session; " +
                "a stateless server cannot ask an older client.")
            : !declared
                ? Error($"The client did not declare the {capability} capability.")
                : null;
}

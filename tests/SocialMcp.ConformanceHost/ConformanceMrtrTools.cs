using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Server.Access;
using SocialMcp.Server.Mcp;

namespace SocialMcp.ConformanceHost;

// Elicitation enums, sampling and roots keep their legacy names in the SDK's obsolete markers for later revisions.
#pragma warning disable MCP9001, MCP9005

/// <summary>
/// The multi-round-trip (MRTR, SEP-2322) tools of the 2026-07-28 scenarios (input-required-result-*). Each answers its first
/// call by throwing <see cref="InputRequiredException"/> — the SDK turns that into an <c>input_required</c> result — and
/// completes when the client calls again with the answers. The state they carry between rounds goes through the
/// product's <see cref="RequestStateProtector"/>, so the stateless server can trust what comes back.
/// </summary>
[McpServerToolType]
public static class ConformanceMrtrTools
{
    private const string ElicitationTool = "test_input_required_result_elicitation";
    private const string SamplingTool = "test_input_required_result_sampling";
    private const string RootsTool = "test_input_required_result_list_roots";
    private const string RequestStateTool = "test_input_required_result_request_state";
    private const string MultipleInputsTool = "test_input_required_result_multiple_inputs";
    private const string MultiRoundTool = "test_input_required_result_multi_round";
    private const string TamperedStateTool = "test_input_required_result_tampered_state";

    [McpServerTool(Name = ElicitationTool, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): asks the user for a name (input request user_name), then greets them. Keeps no state.")]
    public static CallToolResult Elicitation(RequestContext<CallToolRequestParams> context)
    {
        // Missing, wrong or unreadable answers are asked for again, not refused: the spec's recommendation.
        if (MrtrInputs.Elicited(context.Params, "user_name") is { } answer && MrtrInputs.Text(answer, "name") is { } name)
            return Text($"Hello, {name}!");
        throw Ask(("user_name", NameQuestion("What is your name?")));
    }

    [McpServerTool(Name = SamplingTool, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): asks the client's LLM a question (input request capital_question), then returns its answer.")]
    public static CallToolResult Sampling(RequestContext<CallToolRequestParams> context)
    {
        if (MrtrInputs.Sampled(context.Params, "capital_question") is { } sampled)
            return Text($"LLM response: {MrtrInputs.Text(sampled)}");
        throw Ask(("capital_question", Sample("What is the capital of France?", 100)));
    }

    [McpServerTool(Name = RootsTool, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): asks the client for its roots (input request client_roots), then lists them.")]
    public static CallToolResult ListRoots(RequestContext<CallToolRequestParams> context)
    {
        if (MrtrInputs.Roots(context.Params, "client_roots") is { } roots)
            return Text($"Client roots: {string.Join(", ", roots.Roots.Select(r => $"{r.Uri} ({r.Name})"))}");
        throw Ask(("client_roots", InputRequest.ForRootsList(new ListRootsRequestParams())));
    }

    [McpServerTool(Name = RequestStateTool, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): asks for a confirmation with a sealed requestState; answers state-ok once the state checks out.")]
    public static CallToolResult RequestState(RequestContext<CallToolRequestParams> context, RequestStateProtector states)
    {
        var confirmed = MrtrInputs.Elicited(context.Params, "confirm");
        if (context.Params?.RequestState is { } state && confirmed is not null
            && states.Unprotect(Operation(RequestStateTool), context.User, state) == "awaiting-confirm")
        {
            return Text($"state-ok: the requestState was verified; confirmation: {confirmed.Action}.");
        }
        throw Ask(states.Protect(Operation(RequestStateTool), context.User, "awaiting-confirm"), ("confirm", Confirmation("Please confirm")));
    }

    [McpServerTool(Name = MultipleInputsTool, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): asks for a name, an LLM greeting and the client's roots in one round, then combines them.")]
    public static CallToolResult MultipleInputs(RequestContext<CallToolRequestParams> context, RequestStateProtector states)
    {
        if (context.Params?.RequestState is { } state
            && states.Unprotect(Operation(MultipleInputsTool), context.User, state) == "awaiting-three"
            && MrtrInputs.Elicited(context.Params, "user_name") is { } named
            && MrtrInputs.Sampled(context.Params, "greeting") is { } greeting
            && MrtrInputs.Roots(context.Params, "client_roots") is { } roots)
        {
            return Text($"{MrtrInputs.Text(greeting)} name={MrtrInputs.Text(named, "name")}, roots={roots.Roots.Count}");
        }
        throw Ask(states.Protect(Operation(MultipleInputsTool), context.User, "awaiting-three"),
            ("user_name", NameQuestion("What is your name?")),
            ("greeting", Sample("Generate a greeting", 50)),
            ("client_roots", InputRequest.ForRootsList(new ListRootsRequestParams())));
    }

    [McpServerTool(Name = MultiRoundTool, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): three rounds — a name, then a favourite colour, then the answer — carrying the name in the sealed requestState.")]
    public static CallToolResult MultiRound(RequestContext<CallToolRequestParams> context, RequestStateProtector states)
    {
        var operation = Operation(MultiRoundTool);
        var state = context.Params?.RequestState is { } sealedState ? states.Unprotect(operation, context.User, sealedState) : null;

        if (state is not null && state.StartsWith("step2:", StringComparison.Ordinal)
            && MrtrInputs.Elicited(context.Params, "step2") is { } colourAnswer && MrtrInputs.Text(colourAnswer, "color") is { } colour)
        {
            return Text($"Hello, {state["step2:".Length..]}! Your favorite color is {colour}.");
        }
        if (state == "step1" && MrtrInputs.Elicited(context.Params, "step1") is { } nameAnswer && MrtrInputs.Text(nameAnswer, "name") is { } name)
        {
            throw Ask(states.Protect(operation, context.User, "step2:" + name), ("step2", InputRequest.ForElicitation(new ElicitRequestParams
            {
                Message = "Step 2: What is your favorite color?",
                RequestedSchema = new() { Properties = { ["color"] = new ElicitRequestParams.StringSchema() }, Required = ["color"] },
            })));
        }
        throw Ask(states.Protect(operation, context.User, "step1"), ("step1", NameQuestion("Step 1: What is your name?")));
    }

    [McpServerTool(Name = TamperedStateTool, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): like test_input_required_result_request_state; a retry whose requestState was altered gets a JSON-RPC error.")]
    public static CallToolResult TamperedState(RequestContext<CallToolRequestParams> context, RequestStateProtector states)
    {
        if (context.Params?.RequestState is { } state)
        {
            // Throws McpProtocolException (-32602) when the state fails its integrity check.
            _ = states.Unprotect(Operation(TamperedStateTool), context.User, state);
            if (MrtrInputs.Elicited(context.Params, "confirm") is { } confirmed)
                return Text($"state-ok: confirmation: {confirmed.Action}.");
        }
        throw Ask(states.Protect(Operation(TamperedStateTool), context.User, "awaiting-confirm"), ("confirm", Confirmation("Please confirm")));
    }

    [McpServerTool(Name = "test_input_required_result_capabilities", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2322): asks only for the kinds of input the request's client capabilities declare (sampling, elicitation, roots).")]
    public static CallToolResult Capabilities(RequestContext<CallToolRequestParams> context)
    {
        var answered = context.Params?.InputResponses?.Keys.ToList() ?? [];
        if (answered.Count > 0)
            return Text($"Received: {string.Join(", ", answered.Order(StringComparer.Ordinal))}.");

        // Under 2026-07-28 these are the capabilities declared in this request's _meta, never remembered from another.
        var capabilities = context.Server.ClientCapabilities;
        var requests = new List<(string, InputRequest)>();
        if (capabilities?.Sampling is not null)
            requests.Add(("summary", Sample("Summarize the capabilities test in one word", 20)));
        if (capabilities?.Elicitation is not null)
            requests.Add(("user_name", NameQuestion("What is your name?")));
        if (capabilities?.Roots is not null)
            requests.Add(("client_roots", InputRequest.ForRootsList(new ListRootsRequestParams())));
        if (requests.Count == 0)
            return Text("The client declared none of sampling, elicitation and roots, so there is nothing to ask it.");
        throw Ask([.. requests]);
    }

    [McpServerTool(Name = "test_missing_capability", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Conformance fixture (SEP-2575): needs the client's LLM; a request that does not declare the sampling capability is refused with -32021.")]
    public static CallToolResult MissingCapability(RequestContext<CallToolRequestParams> context)
    {
        if (context.Server.ClientCapabilities?.Sampling is null)
        {
            throw new MissingRequiredClientCapabilityException(new ClientCapabilities { Sampling = new() },
                "test_missing_capability needs the sampling capability, which this request does not declare.");
        }
        if (MrtrInputs.Sampled(context.Params, "answer") is { } sampled)
            return Text($"LLM response: {MrtrInputs.Text(sampled)}");
        throw Ask(("answer", Sample("Say hello in one word", 20)));
    }

    internal static string Operation(string toolName) => $"{RequestMethods.ToolsCall}:{toolName}";

    internal static InputRequiredException Ask(params (string Key, InputRequest Request)[] requests) => Ask(null, requests);

    internal static InputRequiredException Ask(string? requestState, params (string Key, InputRequest Request)[] requests) =>
        new(requests.ToDictionary(r => r.Key, r => r.Request), requestState);

    internal static InputRequest NameQuestion(string message) => InputRequest.ForElicitation(new ElicitRequestParams
    {
        Message = message,
        RequestedSchema = new() { Properties = { ["name"] = new ElicitRequestParams.StringSchema() }, Required = ["name"] },
    });

    private static InputRequest Confirmation(string message) => InputRequest.ForElicitation(new ElicitRequestParams
    {
        Message = message,
        RequestedSchema = new() { Properties = { ["ok"] = new ElicitRequestParams.BooleanSchema() }, Required = ["ok"] },
    });

    internal static InputRequest Sample(string prompt, int maxTokens) => InputRequest.ForSampling(new CreateMessageRequestParams
    {
        Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = prompt }] }],
        MaxTokens = maxTokens,
    });

    private static CallToolResult Text(string text) => new() { Content = [new TextContentBlock { Text = text }] };
}

/// <summary>Reads the client's answers from a retried request; an answer that is missing or has the wrong shape is null.</summary>
internal static class MrtrInputs
{
    public static ElicitResult? Elicited(RequestParams? parameters, string key) => Read(parameters, key, InputResponse.ElicitResultJsonTypeInfo);

    public static CreateMessageResult? Sampled(RequestParams? parameters, string key) => Read(parameters, key, InputResponse.CreateMessageResultJsonTypeInfo);

    public static ListRootsResult? Roots(RequestParams? parameters, string key) => Read(parameters, key, InputResponse.ListRootsResultJsonTypeInfo);

    /// <summary>A string field of an accepted form, or null.</summary>
    public static string? Text(ElicitResult answer, string field) =>
        answer.IsAccepted && answer.Content?.TryGetValue(field, out var value) is true && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static string Text(CreateMessageResult sampled) =>
        string.Join(" ", sampled.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static T? Read<T>(RequestParams? parameters, string key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        if (parameters?.InputResponses?.TryGetValue(key, out var response) is not true || response.RawValue.ValueKind != JsonValueKind.Object)
            return null;
        try
        {
            return response.Deserialize(type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

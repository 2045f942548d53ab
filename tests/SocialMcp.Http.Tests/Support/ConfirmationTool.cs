using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Server.Access;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Http.Tests.Support;

/// <summary>
/// A multi-round-trip tool for tests: the first call asks the person to confirm (an elicitation) and seals what it must
/// remember in the requestState; the retry opens the state and returns it with the answer.
/// </summary>
[McpServerToolType]
public sealed class ConfirmationTool
{
    public const string Name = "confirm_test";
    public const string Operation = "tools/call:" + Name;
    public const string Remembered = "remembered-across-rounds";

    public static void AddTo(IMcpServerBuilder server)
    {
        server.WithTools<ConfirmationTool>();
        server.Services.AddSingleton<IToolSchemaSource, Schema>();
    }

    [McpServerTool(Name = Name, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("Test tool: asks the person to confirm, then returns the state it sealed and the answer.")]
    public static CallToolResult Confirm(RequestContext<CallToolRequestParams> context, RequestStateProtector states)
    {
        if (context.Params?.RequestState is { } state)
        {
            var remembered = states.Unprotect(Operation, context.User, state);
            var answer = context.Params.InputResponses?["confirm"].Deserialize(InputResponse.ElicitResultJsonTypeInfo);
            return new CallToolResult { Content = [new TextContentBlock { Text = $"{remembered}: {answer?.Action}" }] };
        }

        throw new InputRequiredException(
            new Dictionary<string, InputRequest>
            {
                ["confirm"] = InputRequest.ForElicitation(new ElicitRequestParams
                {
                    Message = "Go ahead?",
                    RequestedSchema = new() { Properties = { ["ok"] = new ElicitRequestParams.BooleanSchema() } },
                }),
            },
            states.Protect(Operation, context.User, Remembered));
    }

    private sealed class Schema : IToolSchemaSource
    {
        public IEnumerable<(string ToolName, JsonNode Schema)> ReadSchemas() =>
            [(Name, JsonNode.Parse("""{"type":"object","properties":{},"additionalProperties":false}""")!)];
    }
}

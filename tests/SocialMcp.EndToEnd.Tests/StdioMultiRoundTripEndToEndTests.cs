using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// Multi-round-trip tool calls over stdio, through the product's whole pipeline (ToolCallFilter, RequestStateProtector):
/// the conformance host's three-round fixture, driven by the C# SDK client answering each question.
/// </summary>
public sealed class StdioMultiRoundTripEndToEndTests
{
    [Theory]
    [InlineData(null)]          // 2026-07-28: the client answers each input_required result and calls again with the sealed state
    [InlineData("2025-11-25")]  // the session's revision: the SDK sends elicitation/create itself and calls the tool again
    public async Task CallTool_ThreeRounds_CompletesWithBothAnswers(string? protocolVersion)
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-e2e-mrtr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var questions = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var client = await McpClient.CreateAsync(
                new StdioClientTransport(new StdioClientTransportOptions
                {
                    Name = "socialmcp-conformance",
                    Command = "dotnet",
                    Arguments = [Path.Combine(AppContext.BaseDirectory, "socialmcp-conformance.dll"), "serve", "--db", Path.Combine(directory, "e2e.db")],
                    WorkingDirectory = directory,
                }),
                new McpClientOptions
                {
                    ProtocolVersion = protocolVersion,
                    DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
                    Handlers = new McpClientHandlers
                    {
                        ElicitationHandler = (request, _) =>
                        {
                            var message = request?.Message ?? "";
                            questions.Add(message);
                            var (field, value) = message.StartsWith("Step 1", StringComparison.Ordinal) ? ("name", "Alice") : ("color", "blue");
                            return ValueTask.FromResult(new ElicitResult
                            {
                                Action = "accept",
                                Content = new Dictionary<string, JsonElement> { [field] = JsonSerializer.SerializeToElement(value) },
                            });
                        },
                    },
                },
                cancellationToken: timeout.Token);

            var result = await client.CallToolAsync("test_input_required_result_multi_round", cancellationToken: timeout.Token);

            Assert.NotEqual(true, result.IsError);
            Assert.Equal("Hello, Alice! Your favorite color is blue.", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
            Assert.Equal(["Step 1: What is your name?", "Step 2: What is your favorite color?"], questions);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// Builds every tool result: the JSON of the result as content[0].text and the same object as
/// structuredContent; failures carry isError and {"error": {code, message, path, platform, hint}}.
/// </summary>
public static class ToolResults
{
    public static CallToolResult Success<T>(T result)
    {
        var element = JsonSerializer.SerializeToElement(result, SocialJson.Options);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = element.GetRawText() }],
            StructuredContent = element,
        };
    }

    public static CallToolResult Failure(SocialMcpException exception) => Failure(exception.Problem, exception.Problems);

    public static CallToolResult Failure(Problem problem, IReadOnlyList<Problem>? all = null)
    {
        var error = new JsonObject
        {
            ["code"] = problem.Code,
            ["message"] = problem.Message,
        };
        if (problem.Path is not null) error["path"] = problem.Path;
        if (problem.Platform is { } platform) error["platform"] = platform.ToWireName();
        if (problem.Hint is not null) error["hint"] = problem.Hint;
        if (all is { Count: > 1 })
            error["problems"] = JsonSerializer.SerializeToNode(all.Select(ProblemDto.From), SocialJson.Options);

        var element = JsonSerializer.SerializeToElement(new JsonObject { ["error"] = error });
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = element.GetRawText() }],
            StructuredContent = element,
        };
    }
}

/// <summary>A problem as agents see it: platform by wire name, nulls left out.</summary>
public sealed record ProblemDto(string Code, string Message, string? Path, string? Platform, string? Hint)
{
    public static ProblemDto From(Problem p) => new(p.Code, p.Message, p.Path, p.Platform?.ToWireName(), p.Hint);
}

using System.Text.Json;
using SocialMcp.Server.Mcp.BadInput;

namespace SocialMcp.Tests.BadInput;

public sealed class ToolArgumentsTests
{
    private static Dictionary<string, JsonElement> Arguments(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public void Read_IntegralNumbersWrittenAsDecimalsOrExponents_AreRewrittenAsIntegers()
    {
        var (arguments, problem) = ToolArguments.Read(Arguments("""{"limit": 1.0, "offset": 1e2, "version": -0, "nested": {"n": [2.000]}, "ratio": 2.5}"""));

        Assert.Null(problem);
        Assert.Equal("""{"limit":1,"offset":100,"version":0,"nested":{"n":[2]},"ratio":2.5}""", arguments.GetRawText());
    }

    [Fact]
    public void Read_IntegerBeyondLong_IsLeftForTheSchemaToRefuse()
    {
        var (arguments, problem) = ToolArguments.Read(Arguments("""{"version": 9223372036854775808}"""));

        Assert.Null(problem);
        Assert.Equal("9223372036854775808", arguments.GetProperty("version").GetRawText());
    }

    [Fact]
    public void Read_LoneSurrogateInAValue_IsValidationFailedAtItsPath()
    {
        var (_, problem) = ToolArguments.Read(Arguments("""{"content": {"text": "a\udc00b"}}"""));

        Assert.NotNull(problem);
        Assert.Equal("VALIDATION_FAILED", problem.Code);
        Assert.Equal("$.content.text", problem.Path);
    }

    [Fact]
    public void Excerpt_LongText_KeepsSixtyFourCharactersAndTheLength()
    {
        var excerpt = InputExcerpt.Of(new string('n', 1_000_000));

        Assert.Equal(new string('n', 64) + "… (1000000 chars)", excerpt);
    }
}

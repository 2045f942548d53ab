using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SocialMcp.ConformanceHost;

/// <summary>The prompts that the conformance suite lists, gets and completes arguments of.</summary>
[McpServerPromptType]
public static class ConformancePrompts
{
    internal const string WithArgumentsName = "test_prompt_with_arguments";

    [McpServerPrompt(Name = "test_simple_prompt")]
    [Description("Conformance fixture: a prompt without arguments.")]
    public static PromptMessage SimplePrompt() => User(new TextContentBlock { Text = "This is a simple prompt for testing." });

    [McpServerPrompt(Name = WithArgumentsName)]
    [Description("Conformance fixture: a prompt that repeats its two arguments.")]
    public static PromptMessage WithArguments([Description("First test argument")] string arg1, [Description("Second test argument")] string arg2) =>
        User(new TextContentBlock { Text = $"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'" });

    [McpServerPrompt(Name = "test_prompt_with_embedded_resource")]
    [Description("Conformance fixture: a prompt that embeds a text resource under the given URI.")]
    public static IEnumerable<PromptMessage> WithEmbeddedResource([Description("URI of the resource to embed")] string resourceUri) =>
    [
        User(new EmbeddedResourceBlock
        {
            Resource = new TextResourceContents { Uri = resourceUri, MimeType = "text/plain", Text = "Embedded resource content for testing." },
        }),
        User(new TextContentBlock { Text = "Please process the embedded resource above." }),
    ];

    [McpServerPrompt(Name = "test_prompt_with_image")]
    [Description("Conformance fixture: a prompt with an image (a 1x1 PNG).")]
    public static IEnumerable<PromptMessage> WithImage() =>
    [
        User(ImageContentBlock.FromBytes(ConformanceTools.Png, "image/png")),
        User(new TextContentBlock { Text = "Please analyze the image above." }),
    ];

    [McpServerPrompt(Name = "test_input_required_result_prompt")]
    [Description("Conformance fixture (SEP-2322): a prompt that first asks the user for the context it should use (input request user_context).")]
    public static PromptMessage InputRequired(RequestContext<GetPromptRequestParams> context)
    {
        if (MrtrInputs.Elicited(context.Params, "user_context") is { } answer && MrtrInputs.Text(answer, "context") is { } userContext)
            return User(new TextContentBlock { Text = $"Use this context: {userContext}" });

        throw ConformanceMrtrTools.Ask(("user_context", InputRequest.ForElicitation(new ElicitRequestParams
        {
            Message = "What context should the prompt use?",
            RequestedSchema = new() { Properties = { ["context"] = new ElicitRequestParams.StringSchema() }, Required = ["context"] },
        })));
    }

    private static PromptMessage User(ContentBlock content) => new() { Role = Role.User, Content = content };
}

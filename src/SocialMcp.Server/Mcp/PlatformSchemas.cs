using System.Text.Json.Nodes;
using SocialMcp.Core.Platforms;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// The platform pieces of the tool input schemas, produced from the platform definitions at start-up: the platform
/// enum and list, the post text's per-platform limits, <c>content.platformOverrides</c> with each platform's
/// settings (and a thread part's own overrides), and thread, firstComment and replyTo with the platforms that take them. <see cref="ToolSchemaCatalog"/> adds them to the shared definitions of _defs.json, so tool schemas refer
/// to them by <c>$ref</c> like to any other shared piece. The tools snapshot shows what they produce.
/// </summary>
public static class PlatformSchemas
{
    /// <summary>Each produced shared definition, by the name a <c>{"$ref": "#/$defs/NAME"}</c> uses.</summary>
    public static IEnumerable<(string Name, JsonNode Schema)> Definitions(IReadOnlyList<PlatformDefinition> platforms)
    {
        var names = platforms.Select(p => p.Name).ToList();
        yield return ("platform", new JsonObject
        {
            ["type"] = "string",
            ["enum"] = Strings(names),
            ["description"] = "A platform name, lower case.",
        });
        yield return ("platformList", new JsonObject
        {
            ["type"] = "array",
            ["minItems"] = 1,
            ["maxItems"] = names.Count,
            ["uniqueItems"] = true,
            ["items"] = Ref("platform"),
            ["description"] = $"Platforms to target, each once: {string.Join(", ", names)}. Each needs a connected account in the platform set (see list_accounts).",
        });
        yield return ("postText", new JsonObject
        {
            ["type"] = "string",
            ["minLength"] = 1,
            ["maxLength"] = 100000,
            ["description"] = "The post text. Limits per platform, each counted its own way: " +
                              string.Join(", ", platforms.Select(p => $"{p.Name} {p.Text.Summary}")) +
                              ". Give a platform its own text in platformOverrides.",
        });
        var commenting = Names(platforms, p => p.Conversation.FirstComment);
        var overrides = new JsonObject();
        foreach (var platform in platforms)
            overrides[platform.Name] = Override(platform, withFirstComment: true);
        yield return ("platformOverrides", new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Per-platform changes, keyed by platform name; only for platforms in platforms. Each takes text (replaces content.text on that platform) " +
                              $"and, where the platform has any, settings; and firstComment, that platform's own first comment ({commenting}). " +
                              "With content.thread, text and settings go in each part's platformOverrides and this takes firstComment only.",
            ["properties"] = overrides,
            ["additionalProperties"] = false,
        });

        // Only the platforms that take threads: a thread anywhere else is refused as a whole (THREAD_NOT_SUPPORTED), and leaving
        // the others out keeps every other platform's settings from being repeated in each tool's schema.
        var partOverrides = new JsonObject();
        foreach (var platform in platforms.Where(p => p.Conversation.Threads))
            partOverrides[platform.Name] = Override(platform, withFirstComment: false);
        yield return ("partOverrides", new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"This part's per-platform changes, keyed by platform name ({Names(platforms, p => p.Conversation.Threads)}: the platforms that take threads); " +
                              "only for platforms in platforms. Each takes text (replaces the part's text on that platform) and, where the platform has any, settings.",
            ["properties"] = partOverrides,
            ["additionalProperties"] = false,
        });

        foreach (var conversation in ConversationDefinitions(platforms))
            yield return conversation;
    }

    /// <summary>thread, firstComment and replyTo: which platforms take each comes from <see cref="PlatformDefinition.Conversation"/>.</summary>
    private static IEnumerable<(string Name, JsonNode Schema)> ConversationDefinitions(IReadOnlyList<PlatformDefinition> platforms)
    {
        var threads = Names(platforms, p => p.Conversation.Threads);
        var commenting = Names(platforms, p => p.Conversation.FirstComment);
        var replyPosts = Names(platforms, p => p.Conversation.Replies == Core.Domain.ReplyKind.Post);
        var replyComments = Names(platforms, p => p.Conversation.Replies == Core.Domain.ReplyKind.Comment);
        yield return ("thread", new JsonObject
        {
            ["type"] = "array",
            ["minItems"] = 2,
            ["maxItems"] = Core.Domain.ConversationSupport.MaxThreadParts,
            ["items"] = Ref("threadPart"),
            ["description"] = $"A thread instead of content.text: 2-{Core.Domain.ConversationSupport.MaxThreadParts} parts in order, each with its own text, media and platformOverrides; " +
                              $"each part after the first replies to the one before it. Only {threads} take threads (THREAD_NOT_SUPPORTED elsewhere). " +
                              "Each part is checked like a single post: problems name the part, e.g. $.content.thread[3].text. content.linkUrl goes with the first part.",
        });
        yield return ("firstComment", new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"A comment the server adds right after the post is live, e.g. hashtags on instagram: a comment on {Names(platforms, p => p.Conversation.FirstComment && p.Conversation.Replies != Core.Domain.ReplyKind.Post)}, " +
                              $"a reply by the same account on {Names(platforms, p => p.Conversation.FirstComment && p.Conversation.Replies == Core.Domain.ReplyKind.Post)} (to the last part of a thread). " +
                              $"Only {commenting} take one (FIRST_COMMENT_NOT_SUPPORTED elsewhere). Its text is counted with the platform's text limit. " +
                              "If it fails the post stays published; the target's firstComment shows the error.",
            ["properties"] = new JsonObject
            {
                ["text"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 100000, ["description"] = "The comment's text." },
            },
            ["required"] = Strings(["text"]),
            ["additionalProperties"] = false,
        });
        yield return ("replyTo", new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"Makes the post an answer to an existing post on one platform: a reply (a post of its own, may have media and be a thread) on {replyPosts}; " +
                              $"a comment (text only: no media, thread, linkUrl or settings) on {replyComments}; other platforms have none (REPLY_NOT_SUPPORTED). " +
                              "platforms must then be exactly [replyTo.platform]. Where the platform lets us read it, the parent is checked: REPLY_PARENT_NOT_FOUND when it does not exist or the account cannot see it.",
            ["properties"] = new JsonObject
            {
                ["platform"] = Ref("platform"),
                ["platformPostId"] = new JsonObject
                {
                    ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 200,
                    ["description"] = "The platform's id of the post to answer, e.g. a target's platformPostId from get_post, or an id from the post's URL.",
                },
            },
            ["required"] = Strings(["platform", "platformPostId"]),
            ["additionalProperties"] = false,
        });
    }

    private static string Names(IReadOnlyList<PlatformDefinition> platforms, Func<PlatformDefinition, bool> where) =>
        string.Join(", ", platforms.Where(where).Select(p => p.Name));

    /// <summary>One platform's override: its own text and, where it has any, its settings; at content level its first comment too.</summary>
    private static JsonObject Override(PlatformDefinition platform, bool withFirstComment)
    {
        var schema = new JsonObject { ["type"] = "object" };
        var description = platform.OverrideDescription ?? (platform.Settings.IsEmpty ? $"{platform.Name} has no settings." : null);
        if (withFirstComment && !platform.Conversation.FirstComment)
            description = (description is null ? "" : description + " ") + $"{platform.Name} takes no first comment.";
        if (description is not null)
            schema["description"] = description;
        schema["minProperties"] = 1;
        var properties = new JsonObject { ["text"] = Ref("overrideText") };
        if (!platform.Settings.IsEmpty)
            properties["settings"] = Settings(platform.Settings);
        if (withFirstComment)
            properties["firstComment"] = Ref("firstComment");
        schema["properties"] = properties;
        schema["additionalProperties"] = false;
        return schema;
    }

    public static JsonObject Settings(SettingsSchema settings)
    {
        var schema = new JsonObject { ["type"] = "object" };
        if (settings.Description is { } description)
            schema["description"] = description;
        var properties = new JsonObject();
        foreach (var field in settings.Fields)
            properties[field.Name] = Field(field);
        schema["properties"] = properties;
        schema["additionalProperties"] = false;

        var dependencies = settings.DependencyList;
        if (dependencies.Count > 0)
        {
            var required = new JsonObject();
            foreach (var group in dependencies.GroupBy(d => d.Field))
                required[group.Key] = Strings(group.Select(d => d.RequiredField).Distinct());
            schema["dependentRequired"] = required;
        }
        var conditions = dependencies.Where(d => d.RequiredValue is not null)
            .Select(d => (If: new JsonObject { ["required"] = Strings([d.Field]) },
                          Then: new JsonObject { ["properties"] = new JsonObject { [d.RequiredField] = new JsonObject { ["const"] = d.RequiredValue } } }))
            .ToList();
        if (conditions is [var only])
        {
            schema["if"] = only.If;
            schema["then"] = only.Then;
        }
        else if (conditions.Count > 1)
        {
            schema["allOf"] = new JsonArray(conditions.Select(c => (JsonNode)new JsonObject { ["if"] = c.If, ["then"] = c.Then }).ToArray());
        }
        return schema;
    }

    /// <summary>One setting's schema; keywords in one fixed order (type, enum, lengths, pattern, format, counts, items, description).</summary>
    private static JsonObject Field(SettingDefinition field)
    {
        var schema = new JsonObject
        {
            ["type"] = field.Kind switch
            {
                SettingKind.Boolean => "boolean",
                SettingKind.StringArray => "array",
                _ => "string",
            },
        };
        if (field.AllowedValues is { } values)
            schema["enum"] = Strings(values);
        AddString(schema, field.MinLength, field.MaxLength, field.Pattern);
        if (field.Kind == SettingKind.DateTime)
            schema["format"] = "date-time";
        if (field.Kind == SettingKind.StringArray)
        {
            if (field.MinItems is { } minItems) schema["minItems"] = minItems;
            if (field.MaxItems is { } maxItems) schema["maxItems"] = maxItems;
            if (field.UniqueItems) schema["uniqueItems"] = true;
            var items = new JsonObject { ["type"] = "string" };
            AddString(items, field.ItemMinLength, field.ItemMaxLength, field.ItemPattern);
            schema["items"] = items;
        }
        schema["description"] = field.Description;
        return schema;
    }

    private static void AddString(JsonObject schema, int? minLength, int? maxLength, string? pattern)
    {
        if (minLength is { } min) schema["minLength"] = min;
        if (maxLength is { } max) schema["maxLength"] = max;
        if (pattern is not null) schema["pattern"] = pattern;
    }

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/$defs/{name}" };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}

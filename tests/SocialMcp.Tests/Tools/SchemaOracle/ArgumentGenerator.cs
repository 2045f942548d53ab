using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SocialMcp.Tests.Tools.SchemaOracle;

/// <summary>
/// Makes tool arguments from a tool's advertised input schema (the catalog's, $refs inlined): values that should be
/// valid, and mutations of them that are usually not. Neither side has to be right by construction: the oracle decides
/// what is valid, so a generated value that misses an if/then rule is simply drawn again, and a mutation that happens to
/// stay valid is still a case both validators must agree on. The keywords it reads are those our schemas use; a schema
/// with a pattern it has no generator for fails loudly instead of being tested less.
/// </summary>
internal sealed class ArgumentGenerator(Random random)
{
    // Valid strings per pattern used in Mcp/Schemas. A new pattern needs a line here.
    private static readonly Dictionary<string, Func<Random, string>> PatternSamples = new(StringComparer.Ordinal)
    {
        ["\\S"] = r => Pick(r, ["Acme brand", " x ", "Clients · EU", "ブランド", "a"]),
        ["^[0-9a-fA-F]{64}$"] = r => Hex(r, 64, upper: r.Next(4) == 0),
        ["^[a-z]+/[A-Za-z0-9.+-]+$"] = r => Pick(r, ["image/jpeg", "image/png", "video/mp4", "image/svg+xml", "video/vnd.Example-1.0"]),
        ["^[^<>]*$"] = r => Pick(r, ["Spring shoot", "", "Q&A: what's new?", "Release 2.0 — notes", "🎬 Behind the scenes"]),
        ["^[^,]*$"] = r => Pick(r, ["spring", "behind the scenes", "2026", "ünïcode"]),
        ["^[0-9]+$"] = r => r.Next(1, 45).ToString(CultureInfo.InvariantCulture),
        ["^[A-Z0-9]{10}$"] = r => Asin(r),
    };

    // Strings that break each pattern, with the character that breaks it.
    private static readonly Dictionary<string, string[]> PatternBreakers = new(StringComparer.Ordinal)
    {
        ["\\S"] = ["", " ", "   \t", "\n"],
        ["^[0-9a-fA-F]{64}$"] = [new string('g', 64), new string('a', 63), new string('a', 65), new string('0', 64) + "\n", "sha256:" + new string('a', 57)],
        ["^[a-z]+/[A-Za-z0-9.+-]+$"] = ["image", "IMAGE/JPEG", "image/jpeg; q=1", "image/", "/jpeg", "image/jp eg"],
        ["^[^<>]*$"] = ["<b>Title</b>", "a > b", "<"],
        ["^[^,]*$"] = ["one, two", ",", "a,b"],
        ["^[0-9]+$"] = ["", "22a", "-1", "٢٢", "1.5", "22\n"],
        ["^[A-Z0-9]{10}$"] = ["B08N5WRWN", "b08n5wrwnw", "B08N5WRWNW1", "B08N5-RWNW", "B08N5WRWNW\n"],
    };

    private static readonly Dictionary<string, string[]> FormatBreakers = new(StringComparer.Ordinal)
    {
        ["uuid"] = ["not-a-uuid", "6f1c2a9e4b7d4c3e9a1f2b8d7e6c5a43", "6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a4", "{6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43}", "6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a4g", ""],
        ["uri"] = ["example.com/a.jpg", "not a url", "/relative/path.png", "https://exa mple.com/a.jpg", "", "://missing-scheme"],
        ["date-time"] = ["tomorrow 9am", "2026-12-01T09:00:00", "2026-12-01 09:00:00+01:00", "2026-13-01T09:00:00Z", "2026-02-30T09:00:00Z", "2026-12-01T25:00:00Z", "2026-12-01", "2026-12-01T09:00:00+0100", ""],
    };

    private static readonly string[] ExtraPropertyNames = ["extra", "priority", "status", "a b", "it's", "ünïcode", "", "0", "$ref", "line\nbreak", "text"];

    private static readonly string[] TextPieces = ["Spring release", " ", "is out", "!", "#launch", "https://example.com/x", "🎉", "日本語", "e\u0301", "👩‍💻", "naïve", "\"quoted\"", "\\", "tab\t"];

    public JsonNode? Valid(JsonElement schema, int depth = 0)
    {
        if (schema.TryGetProperty("const", out var constant))
            return JsonNode.Parse(constant.GetRawText());
        if (schema.TryGetProperty("enum", out var values))
            return JsonNode.Parse(values[random.Next(values.GetArrayLength())].GetRawText());

        return TypeOf(schema) switch
        {
            "string" => JsonValue.Create(ValidString(schema)),
            "integer" => ValidInteger(schema),
            "number" => ValidNumber(schema),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            "array" => ValidArray(schema, depth),
            "object" => ValidObject(schema, depth),
            var other => throw new NotSupportedException($"The generator has no case for type '{other}' in {schema.GetRawText()}."),
        };
    }

    /// <summary>Changes one place of <paramref name="holder"/>["root"] (the arguments) in a way that usually breaks the schema.</summary>
    public string Mutate(JsonObject holder, JsonElement rootSchema)
    {
        var sites = new List<Site>();
        CollectSites(holder, "root", holder["root"], rootSchema, sites);
        var site = sites[random.Next(sites.Count)];
        return MutateSite(site);
    }

    private string ValidString(JsonElement schema)
    {
        if (schema.TryGetProperty("format", out var format))
        {
            switch (format.GetString())
            {
                case "uuid":
                    var bytes = new byte[16];
                    random.NextBytes(bytes);
                    var guid = new Guid(bytes).ToString();
                    return random.Next(5) == 0 ? guid.ToUpperInvariant() : guid;
                case "uri":
                    return Pick(random, ["https://cdn.example.com/img/spring.png", "https://example.com/blog/spring-release?utm_source=x#top",
                        "http://example.com", "https://例え.jp/パス", "mailto:team@example.com", "urn:isbn:0451450523", "https://example.com/a%20b.jpg",
                        "ftp://files.example.com/v.mp4"]);
                case "date-time":
                    return ValidDateTime();
            }
        }

        if (schema.TryGetProperty("pattern", out var pattern))
        {
            var key = pattern.GetString()!;
            if (!PatternSamples.TryGetValue(key, out var sample))
                throw new NotSupportedException($"No generator for the pattern '{key}': add one to ArgumentGenerator.PatternSamples.");
            return sample(random);
        }

        var min = schema.TryGetProperty("minLength", out var minLength) ? minLength.GetInt32() : 0;
        var max = schema.TryGetProperty("maxLength", out var maxLength) ? maxLength.GetInt32() : min + 60;
        // Now and then exactly at the limit, in emoji: maxLength counts code points, not UTF-16 units.
        if (random.Next(8) == 0 && max <= 2048)
            return string.Concat(Enumerable.Repeat("😀", max));
        var target = random.Next(min, Math.Min(max, min + 60) + 1);
        return TextOfLength(target);
    }

    private string ValidDateTime()
    {
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMinutes(random.Next(0, 2 * 365 * 24 * 60)).AddSeconds(random.Next(60));
        var text = at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (random.Next(4) == 0)
            text += "." + random.Next(1, 1000).ToString("000", CultureInfo.InvariantCulture);
        text += Pick(random, ["Z", "+01:00", "-05:00", "+05:30", "+00:00", "-00:00", "+14:00"]);
        // RFC 3339 allows a lower-case t and z.
        return random.Next(10) == 0 ? text.ToLowerInvariant() : text;
    }

    private JsonNode ValidInteger(JsonElement schema)
    {
        var min = schema.TryGetProperty("minimum", out var minimum) ? minimum.GetInt64() : -1000;
        var max = schema.TryGetProperty("maximum", out var maximum) ? maximum.GetInt64() : min + 1000;
        var value = random.Next(4) switch
        {
            0 => min,
            1 => max,
            _ => min + (long)(random.NextDouble() * (max - min)),
        };
        // 2020-12: a number with a zero fractional part is an integer, however it is written.
        return random.Next(8) switch
        {
            0 => JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture) + ".0")!,
            1 when value > 0 && value % 10 == 0 => JsonNode.Parse((value / 10).ToString(CultureInfo.InvariantCulture) + "e1")!,
            _ => JsonValue.Create(value),
        };
    }

    private JsonNode ValidNumber(JsonElement schema)
    {
        var exclusiveMin = schema.TryGetProperty("exclusiveMinimum", out var exclusive) ? exclusive.GetDouble() : (double?)null;
        var min = schema.TryGetProperty("minimum", out var minimum) ? minimum.GetDouble() : exclusiveMin ?? -1000;
        var max = schema.TryGetProperty("maximum", out var maximum) ? maximum.GetDouble() : min + 1000;
        var value = random.Next(4) == 0 ? max : Math.Round(min + random.NextDouble() * (max - min), 2);
        if (exclusiveMin is { } floor && value <= floor)
            value = floor + 0.01;
        return JsonValue.Create(value);
    }

    private JsonArray ValidArray(JsonElement schema, int depth)
    {
        var items = schema.GetProperty("items");
        var min = schema.TryGetProperty("minItems", out var minItems) ? minItems.GetInt32() : 0;
        var max = schema.TryGetProperty("maxItems", out var maxItems) ? maxItems.GetInt32() : min + 3;
        var unique = schema.TryGetProperty("uniqueItems", out var u) && u.GetBoolean();
        var count = random.Next(min, Math.Min(max, min + 3) + 1);
        var array = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; array.Count < count && attempt < count * 20; attempt++)
        {
            var item = Valid(items, depth + 1);
            if (unique && !seen.Add(item?.ToJsonString() ?? "null"))
                continue;
            array.Add(item);
        }
        return array;
    }

    private JsonObject ValidObject(JsonElement schema, int depth)
    {
        var obj = new JsonObject();
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        if (!schema.TryGetProperty("properties", out var properties))
            return obj;

        var optionalChance = depth == 0 ? 0.5 : 0.4;
        foreach (var property in properties.EnumerateObject())
        {
            if (required.Contains(property.Name) || random.NextDouble() < optionalChance)
                obj[property.Name] = Valid(property.Value, depth + 1);
        }

        var minProperties = schema.TryGetProperty("minProperties", out var mp) ? mp.GetInt32() : 0;
        foreach (var property in properties.EnumerateObject())
        {
            if (obj.Count >= minProperties)
                break;
            obj[property.Name] ??= Valid(property.Value, depth + 1);
        }

        if (schema.TryGetProperty("dependentRequired", out var dependencies))
        {
            foreach (var dependency in dependencies.EnumerateObject().Where(d => obj.ContainsKey(d.Name)))
            {
                foreach (var name in dependency.Value.EnumerateArray().Select(e => e.GetString()!))
                    obj[name] ??= Valid(properties.GetProperty(name), depth + 1);
            }
        }

        // A oneOf of presence alternatives ({"required": [...], "not": {"required": [...]}}), as a media item's url or mediaId:
        // one alternative is drawn, its members added and the members it excludes removed.
        if (schema.TryGetProperty("oneOf", out var alternatives))
        {
            var chosen = alternatives[random.Next(alternatives.GetArrayLength())];
            if (chosen.TryGetProperty("not", out var excluded) && excluded.TryGetProperty("required", out var absent))
            {
                foreach (var name in absent.EnumerateArray().Select(e => e.GetString()!))
                    obj.Remove(name);
            }
            if (chosen.TryGetProperty("required", out var present))
            {
                foreach (var name in present.EnumerateArray().Select(e => e.GetString()!))
                    obj[name] ??= Valid(properties.GetProperty(name), depth + 1);
            }
        }
        return obj;
    }

    private string TextOfLength(int codePoints)
    {
        var builder = new StringBuilder();
        var count = 0;
        while (count < codePoints)
        {
            var piece = TextPieces[random.Next(TextPieces.Length)];
            foreach (var rune in piece.EnumerateRunes())
            {
                if (count == codePoints)
                    break;
                builder.Append(rune.ToString());
                count++;
            }
        }
        return builder.ToString();
    }

    // ---- mutations

    private sealed record Site(JsonNode Parent, string? Key, int Index, JsonNode? Value, JsonElement Schema, bool Required);

    private static void CollectSites(JsonNode parent, string? key, JsonNode? value, JsonElement schema, List<Site> sites, int index = -1, bool required = true)
    {
        sites.Add(new Site(parent, key, index, value, schema, required));
        if (value is JsonObject obj && schema.TryGetProperty("properties", out var properties))
        {
            var requiredNames = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
            foreach (var (name, member) in obj.ToList())
            {
                if (properties.TryGetProperty(name, out var memberSchema))
                    CollectSites(obj, name, member, memberSchema, sites, required: requiredNames.Contains(name));
            }
        }
        else if (value is JsonArray array && schema.TryGetProperty("items", out var items))
        {
            for (var i = 0; i < array.Count; i++)
                CollectSites(array, null, array[i], items, sites, index: i);
        }
    }

    private string MutateSite(Site site)
    {
        var schema = site.Schema;
        var options = new List<(string Name, Func<JsonNode?> Make)>
        {
            ("wrong type", () => Pick<JsonNode?>(random, [JsonValue.Create("5"), JsonValue.Create(5), JsonValue.Create(4.5), JsonValue.Create(true), null, new JsonArray(), new JsonObject()])),
        };

        if (site.Value is JsonValue && TypeOf(schema) == "string" && site.Value.GetValueKind() == JsonValueKind.String)
            AddStringMutations(schema, site.Value.GetValue<string>(), options);
        if (TypeOf(schema) is "integer" or "number")
            AddNumberMutations(schema, options);
        if (schema.TryGetProperty("enum", out var values))
        {
            var sample = values[random.Next(values.GetArrayLength())].GetString() ?? "";
            options.Add(("enum miss", () => JsonValue.Create(Pick(random, [sample.ToUpperInvariant(), sample + " ", "myspace", sample[..Math.Max(0, sample.Length - 1)]]))));
        }

        // A mutation that changes the value in place or next to it.
        if (site.Value is JsonObject obj)
            return MutateObject(obj, schema, options);
        if (site.Value is JsonArray array && schema.TryGetProperty("items", out _))
            AddArrayMutations(array, schema, options);
        if (site.Key is not null && site.Parent is JsonObject && random.Next(6) == 0)
        {
            ((JsonObject)site.Parent).Remove(site.Key);
            return site.Required ? $"dropped required {site.Key}" : $"dropped optional {site.Key}";
        }

        var (name, make) = options[random.Next(options.Count)];
        Replace(site, make());
        return name + (site.Key is null ? $" at [{site.Index}]" : $" at {site.Key}");
    }

    private string MutateObject(JsonObject obj, JsonElement schema, List<(string Name, Func<JsonNode?> Make)> replacements)
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).Where(obj.ContainsKey).ToList() : [];
        switch (random.Next(5))
        {
            case 0 when required.Count > 0:
                var dropped = required[random.Next(required.Count)];
                obj.Remove(dropped);
                return $"dropped required {dropped}";
            case 1:
                var extra = ExtraPropertyNames[random.Next(ExtraPropertyNames.Length)];
                obj[extra] = Pick<JsonNode>(random, [JsonValue.Create("x"), JsonValue.Create(1), new JsonObject()]);
                return $"extra property '{extra}'";
            case 2:
                obj.Clear();
                return "emptied an object";
            default:
                var (name, make) = replacements[random.Next(replacements.Count)];
                // Replace the object itself: find it again through its parent.
                var parent = obj.Parent;
                if (parent is JsonObject holder)
                    holder[obj.GetPropertyName()] = make();
                else if (parent is JsonArray list)
                    list[obj.GetElementIndex()] = make();
                return name + " for an object";
        }
    }

    private void AddStringMutations(JsonElement schema, string current, List<(string Name, Func<JsonNode?> Make)> options)
    {
        if (schema.TryGetProperty("maxLength", out var maxLength) && maxLength.GetInt32() <= 100_000)
        {
            var max = maxLength.GetInt32();
            options.Add(("one code point too long", () => JsonValue.Create(TextOfLength(max + 1))));
            options.Add(("max length in emoji (valid: code points)", () => JsonValue.Create(string.Concat(Enumerable.Repeat("🎉", max)))));
            options.Add(("max+1 in emoji", () => JsonValue.Create(string.Concat(Enumerable.Repeat("🎉", max + 1)))));
        }
        if (schema.TryGetProperty("minLength", out var minLength) && minLength.GetInt32() > 0)
            options.Add(("too short", () => JsonValue.Create(TextOfLength(minLength.GetInt32() - 1))));
        if (schema.TryGetProperty("pattern", out var pattern) && PatternBreakers.TryGetValue(pattern.GetString()!, out var breakers))
            options.Add(("pattern miss", () => JsonValue.Create(Pick(random, breakers))));
        if (schema.TryGetProperty("format", out var format) && FormatBreakers.TryGetValue(format.GetString()!, out var bad))
            options.Add(("format miss", () => JsonValue.Create(Pick(random, bad))));
        if (schema.TryGetProperty("const", out var constant))
            options.Add(("const miss", () => JsonValue.Create(constant.GetString() + "x")));
        options.Add(("changed case", () => JsonValue.Create(current.ToUpperInvariant())));
    }

    private void AddNumberMutations(JsonElement schema, List<(string Name, Func<JsonNode?> Make)> options)
    {
        if (schema.TryGetProperty("minimum", out var minimum))
        {
            options.Add(("below minimum", () => JsonNode.Parse((minimum.GetDecimal() - 1).ToString(CultureInfo.InvariantCulture))));
            options.Add(("just below minimum", () => JsonNode.Parse((minimum.GetDecimal() - 0.5m).ToString(CultureInfo.InvariantCulture))));
        }
        if (schema.TryGetProperty("maximum", out var maximum))
            options.Add(("above maximum", () => JsonNode.Parse((maximum.GetDecimal() + 1).ToString(CultureInfo.InvariantCulture))));
        if (schema.TryGetProperty("exclusiveMinimum", out var exclusive))
            options.Add(("at exclusiveMinimum", () => JsonNode.Parse(exclusive.GetRawText())));
        options.Add(("fraction", () => JsonValue.Create(2.5)));
        options.Add(("huge", () => JsonNode.Parse(Pick(random, ["1e300", "9007199254740993", "-9223372036854775809", "1E2", "-0"]))));
        options.Add(("number as string", () => JsonValue.Create("5")));
    }

    private void AddArrayMutations(JsonArray array, JsonElement schema, List<(string Name, Func<JsonNode?> Make)> options)
    {
        var items = schema.GetProperty("items");
        options.Add(("empty array", () => new JsonArray()));
        if (array.Count > 0)
        {
            options.Add(("duplicate item", () =>
            {
                var copy = (JsonArray)array.DeepClone();
                copy.Add(copy[random.Next(copy.Count)]?.DeepClone());
                return copy;
            }));
        }
        if (schema.TryGetProperty("maxItems", out var maxItems))
        {
            options.Add(("too many items", () =>
            {
                var copy = new JsonArray();
                for (var i = 0; i <= maxItems.GetInt32(); i++)
                    copy.Add(Valid(items, depth: 3));
                return copy;
            }));
        }
        options.Add(("wrong item", () =>
        {
            var copy = (JsonArray)array.DeepClone();
            copy.Add(Pick<JsonNode?>(random, [JsonValue.Create(1), JsonValue.Create("unknown"), null, new JsonObject()]));
            return copy;
        }));
    }

    private static void Replace(Site site, JsonNode? value)
    {
        if (site.Parent is JsonObject obj)
            obj[site.Key!] = value;
        else if (site.Parent is JsonArray array)
            array[site.Index] = value;
    }

    private static string TypeOf(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) ? type.GetString()! : schema.TryGetProperty("properties", out _) ? "object" : "any";

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Hex(Random random, int length, bool upper)
    {
        var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = digits[r.Next(16)];
        });
    }

    private static string Asin(Random random)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(10, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[r.Next(alphabet.Length)];
        });
    }
}

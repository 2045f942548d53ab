using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMcp.Schema.Evaluation;
using SocialMcp.Schema.Formats;
using SocialMcp.Schema.Json;
using SocialMcp.Schema.Text;
using SocialMcp.Schema.Validators;

namespace SocialMcp.Schema.Compilation;

/// <summary>
/// Turns a schema document into a tree (graph, with $ref) of <see cref="SchemaNode"/>s, in three steps:
/// 1. index every subschema location with its base URI, schema resource and anchors (so references can point forward);
/// 2. create a node per location, then fill in each node's keyword validators;
/// 3. resolve references, attach dynamic anchors, and refuse reference loops that would never terminate.
/// </summary>
internal sealed class SchemaCompiler
{
    /// <summary>Base URI of a document without a root <c>$id</c>; only used to resolve relative references consistently.</summary>
    internal const string DefaultBaseUri = DefaultBaseRoot + "root.json";

    private const string DefaultBaseRoot = "https://schema.invalid/";

    internal const string MetaSchemaUri = "https://json-schema.org/draft/2020-12/schema";

    private const int MaxListedPropertyNames = 20;

    private static readonly string[] s_singleSchemaKeywords =
    [
        "additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties",
    ];

    private static readonly string[] s_schemaMapKeywords = ["$defs", "properties", "patternProperties", "dependentSchemas"];

    private static readonly string[] s_schemaArrayKeywords = ["prefixItems", "allOf", "anyOf", "oneOf"];

    private static readonly Dictionary<string, (SpanPredicate Check, string Expectation)> s_formats = new(StringComparer.Ordinal)
    {
        ["date-time"] = (DateTimeFormat.IsDateTime, "ISO 8601 with an explicit offset, e.g. 2026-05-01T09:00:00+02:00"),
        ["date"] = (DateTimeFormat.IsDate, "a full date YYYY-MM-DD, e.g. 2026-05-01"),
        ["uri"] = (AbsoluteUriFormat.IsAbsoluteUri, "an absolute URI with a scheme, e.g. https://example.com/page"),
        ["uuid"] = (UuidFormat.IsUuid, "e.g. 123e4567-e89b-12d3-a456-426614174000"),
        ["email"] = (EmailFormat.IsEmail, "e.g. name@example.com"),
    };

    private readonly JsonSchemaOptions _options;

    // Shape-only mode checks that a JSON value is a well-formed schema (used for $ref to the meta-schema):
    // unknown keywords are tolerated, references are not resolved and patterns are not compiled.
    private readonly bool _shapeOnly;

    private readonly List<SchemaLocation> _locations = [];
    private readonly Dictionary<string, SchemaLocation> _locationsByPointer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaLocation> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Resource, string Name), Anchor> _anchors = [];
    private readonly Queue<Action> _pendingReferences = new();
    private int _compiledLocations;
    private SchemaNode? _metaSchemaNode;

    private SchemaCompiler(JsonSchemaOptions options, bool shapeOnly)
    {
        _options = options;
        _shapeOnly = shapeOnly;
    }

    public static SchemaNode Compile(JsonElement root, JsonSchemaOptions options)
    {
        var compiler = new SchemaCompiler(options, shapeOnly: false);
        var rootNode = compiler.CompileDocument(root);
        while (compiler._pendingReferences.TryDequeue(out var resolve))
        {
            resolve();
        }

        compiler.AttachDynamicAnchors();
        compiler.RejectReferenceLoops();
        return rootNode;
    }

    /// <summary>Throws <see cref="InvalidSchemaException"/> unless <paramref name="schema"/> is a well-formed schema.</summary>
    public static void CheckWellFormed(JsonElement schema) =>
        new SchemaCompiler(JsonSchemaOptions.Default, shapeOnly: true).CompileDocument(schema);

    private SchemaNode CompileDocument(JsonElement root)
    {
        var defaultBase = UriReference.Parse(DefaultBaseUri);
        Index(root, string.Empty, defaultBase, new SchemaResource(DefaultBaseUri));
        CompileNewLocations();
        return _locationsByPointer[string.Empty].Node!;
    }

    // ---------------------------------------------------------------- step 1: indexing

    private void Index(JsonElement schema, string pointer, UriReference baseUri, SchemaResource resource)
    {
        if (_locationsByPointer.ContainsKey(pointer))
        {
            return;
        }

        var isNewResource = pointer.Length == 0;
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$id", out var id))
        {
            if (id.ValueKind != JsonValueKind.String)
            {
                throw Invalid("'$id' must be a string", pointer, "$id");
            }

            var idReference = UriReference.Parse(id.GetString()!);
            if (!string.IsNullOrEmpty(idReference.Fragment))
            {
                throw Invalid("'$id' must not contain a fragment; use '$anchor' to name a subschema", pointer, "$id");
            }

            baseUri = baseUri.Resolve(idReference) with { Fragment = null };
            resource = new SchemaResource(baseUri.ToString());
            isNewResource = true;
        }

        var location = new SchemaLocation(pointer, schema, baseUri, resource);
        _locations.Add(location);
        _locationsByPointer.Add(pointer, location);
        if (isNewResource && !_resources.TryAdd(resource.Uri, location))
        {
            throw Invalid($"the identifier '{resource.Uri}' is used by more than one subschema", pointer, "$id");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        RegisterAnchor(location, "$anchor", isDynamic: false);
        RegisterAnchor(location, "$dynamicAnchor", isDynamic: true);

        foreach (var member in schema.EnumerateObject())
        {
            var keywordPointer = JsonPointer.Append(pointer, member.Name);
            if (s_singleSchemaKeywords.Contains(member.Name))
            {
                Index(member.Value, keywordPointer, baseUri, resource);
            }
            else if (s_schemaMapKeywords.Contains(member.Name) && member.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in member.Value.EnumerateObject())
                {
                    Index(entry.Value, JsonPointer.Append(keywordPointer, entry.Name), baseUri, resource);
                }
            }
            else if (s_schemaArrayKeywords.Contains(member.Name) && member.Value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in member.Value.EnumerateArray())
                {
                    Index(item, JsonPointer.Append(keywordPointer, index++), baseUri, resource);
                }
            }
        }
    }

    private void RegisterAnchor(SchemaLocation location, string keyword, bool isDynamic)
    {
        if (!location.Element.TryGetProperty(keyword, out var value))
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.String || !IsAnchorName(value.GetString()!))
        {
            throw Invalid($"'{keyword}' must be a plain name (a letter or '_' followed by letters, digits, '-', '_', '.')", location.Pointer, keyword);
        }

        var key = (location.Resource.Uri, value.GetString()!);
        if (_anchors.TryGetValue(key, out var existing))
        {
            if (existing.Location != location)
            {
                throw Invalid($"the anchor '{key.Item2}' is defined more than once in '{key.Uri}'", location.Pointer, keyword);
            }

            _anchors[key] = existing with { IsDynamic = existing.IsDynamic || isDynamic };
            return;
        }

        _anchors.Add(key, new Anchor(location, isDynamic));
    }

    private static bool IsAnchorName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    // ---------------------------------------------------------------- step 2: nodes and keyword validators

    private void CompileNewLocations()
    {
        var start = _compiledLocations;
        var end = _locations.Count;
        _compiledLocations = end;
        for (var i = start; i < end; i++)
        {
            var location = _locations[i];
            location.Node = new SchemaNode("#" + location.Pointer, location.Resource);
        }

        for (var i = start; i < end; i++)
        {
            Build(_locations[i]);
        }
    }

    private void Build(SchemaLocation location)
    {
        var schema = location.Element;
        var node = location.Node!;
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                node.SetBoolean(true);
                return;
            case JsonValueKind.False:
                node.SetBoolean(false);
                return;
            case JsonValueKind.Object:
                break;
            default:
                throw Invalid($"a schema must be a JSON object or a boolean, not {JsonTypes.NameOf(schema)}", location.Pointer);
        }

        foreach (var member in schema.EnumerateObject())
        {
            if (!SchemaKeywords.All.Contains(member.Name) && !_shapeOnly)
            {
                throw new UnsupportedSchemaKeywordException(member.Name, "#" + location.Pointer);
            }
        }

        var keywords = new KeywordCompiler(this, location);
        var validators = new List<KeywordValidator>();
        KeywordValidator? unevaluatedProperties = null;
        KeywordValidator? unevaluatedItems = null;
        foreach (var member in schema.EnumerateObject())
        {
            switch (member.Name)
            {
                // unevaluated* must see the annotations of every other keyword, so they always run last.
                case "unevaluatedProperties":
                    unevaluatedProperties = new UnevaluatedPropertiesValidator(keywords.Subschema(member.Name));
                    break;
                case "unevaluatedItems":
                    unevaluatedItems = new UnevaluatedItemsValidator(keywords.Subschema(member.Name));
                    break;
                default:
                    if (keywords.Compile(member.Name, member.Value) is { } validator)
                    {
                        validators.Add(validator);
                    }

                    break;
            }
        }

        if (unevaluatedItems is not null)
        {
            validators.Add(unevaluatedItems);
        }

        if (unevaluatedProperties is not null)
        {
            validators.Add(unevaluatedProperties);
        }

        node.SetValidators([.. validators], tracksOwnAnnotations: unevaluatedItems is not null || unevaluatedProperties is not null);
    }

    /// <summary>Compiles the keywords of one schema object; knows the sibling keywords that interact.</summary>
    private sealed class KeywordCompiler(SchemaCompiler compiler, SchemaLocation location)
    {
        private readonly JsonElement _schema = location.Element;
        private Regex[]? _patternPropertyRegexes;

        public SchemaNode Subschema(string keyword) => compiler.NodeAt(JsonPointer.Append(location.Pointer, keyword));

        private SchemaNode? OptionalSubschema(string keyword) =>
            _schema.TryGetProperty(keyword, out _) ? Subschema(keyword) : null;

        private SchemaNode Subschema(string keyword, string name) =>
            compiler.NodeAt(JsonPointer.Append(JsonPointer.Append(location.Pointer, keyword), name));

        private SchemaNode[] Subschemas(string keyword, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                throw Error(keyword, "must be a non-empty array of schemas");
            }

            var pointer = JsonPointer.Append(location.Pointer, keyword);
            return Enumerable.Range(0, value.GetArrayLength()).Select(i => compiler.NodeAt(JsonPointer.Append(pointer, i))).ToArray();
        }

        public KeywordValidator? Compile(string keyword, JsonElement value)
        {
            switch (keyword)
            {
                case "type":
                    return CompileType(value);
                case "enum":
                    return CompileEnum(value);
                case "const":
                    return new ConstValidator(value);
                case "minimum":
                    return new NumericLimitValidator(NumericLimitKind.Minimum, Number(keyword, value));
                case "exclusiveMinimum":
                    return new NumericLimitValidator(NumericLimitKind.ExclusiveMinimum, Number(keyword, value));
                case "maximum":
                    return new NumericLimitValidator(NumericLimitKind.Maximum, Number(keyword, value));
                case "exclusiveMaximum":
                    return new NumericLimitValidator(NumericLimitKind.ExclusiveMaximum, Number(keyword, value));
                case "multipleOf":
                    var divisor = Number(keyword, value);
                    if (divisor.Approximate <= 0)
                    {
                        throw Error(keyword, "must be a number greater than 0");
                    }

                    return new MultipleOfValidator(divisor);
                case "minLength":
                    return new StringLengthValidator(isMinimum: true, NonNegativeInteger(keyword, value));
                case "maxLength":
                    return new StringLengthValidator(isMinimum: false, NonNegativeInteger(keyword, value));
                case "pattern":
                    return CompilePattern(value);
                case "format":
                    return CompileFormat(value);
                case "minItems":
                    return new ItemCountValidator(isMinimum: true, NonNegativeInteger(keyword, value));
                case "maxItems":
                    return new ItemCountValidator(isMinimum: false, NonNegativeInteger(keyword, value));
                case "uniqueItems":
                    return Boolean(keyword, value) ? new UniqueItemsValidator() : null;
                case "prefixItems":
                    return new PrefixItemsValidator(Subschemas(keyword, value));
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        throw Error(keyword, "must be a single schema; draft 2020-12 uses 'prefixItems' for tuple validation");
                    }

                    var prefixCount = _schema.TryGetProperty("prefixItems", out var prefix) && prefix.ValueKind == JsonValueKind.Array
                        ? prefix.GetArrayLength()
                        : 0;
                    return new ItemsValidator(Subschema(keyword), prefixCount);
                case "contains":
                    return CompileContains();
                case "minContains" or "maxContains":
                    NonNegativeInteger(keyword, value); // Applied by "contains"; on its own it has no effect.
                    return null;
                case "minProperties":
                    return new PropertyCountValidator(isMinimum: true, NonNegativeInteger(keyword, value));
                case "maxProperties":
                    return new PropertyCountValidator(isMinimum: false, NonNegativeInteger(keyword, value));
                case "required":
                    return new RequiredValidator(UniqueStrings(keyword, value).Select(n => new NamedProperty(n)).ToArray());
                case "dependentRequired":
                    return CompileDependentRequired(value);
                case "properties":
                    return new PropertiesValidator(ObjectEntries(keyword, value)
                        .Select(name => (new NamedProperty(name), Subschema(keyword, name))).ToArray());
                case "patternProperties":
                    return new PatternPropertiesValidator(PatternPropertyRegexes()
                        .Zip(ObjectEntries(keyword, value), (regex, name) => (regex, Subschema(keyword, name))).ToArray());
                case "additionalProperties":
                    return CompileAdditionalProperties();
                case "propertyNames":
                    return new PropertyNamesValidator(Subschema(keyword));
                case "dependentSchemas":
                    return new DependentSchemasValidator(ObjectEntries(keyword, value)
                        .Select(name => (new NamedProperty(name), Subschema(keyword, name))).ToArray());
                case "allOf":
                    return new AllOfValidator(Subschemas(keyword, value));
                case "anyOf":
                    return new AnyOfValidator(Subschemas(keyword, value));
                case "oneOf":
                    return new OneOfValidator(Subschemas(keyword, value));
                case "not":
                    return new NotValidator(Subschema(keyword));
                case "if":
                    return new IfThenElseValidator(Subschema(keyword), OptionalSubschema("then"), OptionalSubschema("else"));
                case "then" or "else":
                    return null; // Applied by "if"; their subschemas are still compiled (and checked) as locations.
                case "$ref":
                    return CompileReference(keyword, value);
                case "$dynamicRef":
                    return CompileDynamicReference(keyword, value);
                case "$defs":
                    ObjectEntries(keyword, value);
                    return null;
                case "$id" or "$anchor" or "$dynamicAnchor" or "$schema" or "$comment":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        throw Error(keyword, "must be a string");
                    }

                    return null;
                default:
                    // Annotation keywords (title, description, default, ...) and, in shape-only mode, unknown keywords.
                    return null;
            }
        }

        private TypeValidator CompileType(JsonElement value)
        {
            if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            {
                throw Error("type", "must be a type name or an array of type names");
            }

            var names = value.ValueKind == JsonValueKind.String ? [value.GetString()!] : UniqueStrings("type", value);
            if (names.Length == 0)
            {
                throw Error("type", "must not be an empty array");
            }

            var allowed = JsonTypeSet.None;
            foreach (var name in names)
            {
                if (!JsonTypes.TryParse(name, out var type))
                {
                    throw Error("type", $"names the unknown type '{name}' (the types are null, boolean, object, array, number, string, integer)");
                }

                allowed |= type;
            }

            var expected = names.Length == 1 ? $"of type {names[0]}" : $"one of the types {string.Join(", ", names)}";
            return new TypeValidator(allowed, expected);
        }

        private EnumValidator CompileEnum(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                throw Error("enum", "must be an array");
            }

            var values = value.EnumerateArray().ToArray();
            return new EnumValidator(values, string.Join(", ", values.Select(JsonTypes.Describe)));
        }

        private PatternValidator? CompilePattern(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                throw Error("pattern", "must be a string");
            }

            var pattern = value.GetString()!;
            return compiler._shapeOnly ? null : new PatternValidator(pattern, Regex("pattern", pattern));
        }

        private FormatValidator? CompileFormat(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                throw Error("format", "must be a string");
            }

            // Unknown formats, and all formats when assertion is off, are annotations only.
            var format = value.GetString()!;
            return compiler._options.AssertFormat && s_formats.TryGetValue(format, out var known)
                ? new FormatValidator(format, known.Check, known.Expectation)
                : null;
        }

        private ContainsValidator CompileContains()
        {
            var hasMinimum = _schema.TryGetProperty("minContains", out var minimum);
            var hasMaximum = _schema.TryGetProperty("maxContains", out var maximum);
            return new ContainsValidator(
                Subschema("contains"),
                hasMinimum ? NonNegativeInteger("minContains", minimum) : 1,
                hasMaximum ? NonNegativeInteger("maxContains", maximum) : null,
                explicitMinimum: hasMinimum);
        }

        private DependentRequiredValidator CompileDependentRequired(JsonElement value)
        {
            var dependencies = ObjectEntries("dependentRequired", value)
                .Select(name => (new NamedProperty(name), UniqueStrings("dependentRequired", value.GetProperty(name))
                    .Select(required => new NamedProperty(required)).ToArray()))
                .ToArray();
            return new DependentRequiredValidator(dependencies);
        }

        private AdditionalPropertiesValidator CompileAdditionalProperties()
        {
            var declared = _schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                ? properties.EnumerateObject().Select(p => p.Name).ToArray()
                : [];
            var patterns = _schema.TryGetProperty("patternProperties", out var patternProperties) && patternProperties.ValueKind == JsonValueKind.Object
                ? patternProperties.EnumerateObject().Select(p => p.Name).ToArray()
                : [];

            // Tell the reader what is allowed instead of only what is not.
            var allowed = new List<string>();
            if (declared.Length is > 0 and <= MaxListedPropertyNames)
            {
                allowed.Add("allowed properties: " + string.Join(", ", declared));
            }

            if (patterns.Length is > 0 and <= MaxListedPropertyNames)
            {
                allowed.Add("names matching: " + string.Join(", ", patterns));
            }

            var description = declared.Length == 0 && patterns.Length == 0
                ? " (no properties are allowed here)"
                : allowed.Count > 0 ? "; " + string.Join("; ", allowed) : string.Empty;
            return new AdditionalPropertiesValidator(
                Subschema("additionalProperties"),
                declared.Select(n => new NamedProperty(n)).ToArray(),
                PatternPropertyRegexes(),
                description);
        }

        private Regex[] PatternPropertyRegexes()
        {
            if (_patternPropertyRegexes is null)
            {
                var names = _schema.TryGetProperty("patternProperties", out var value)
                    ? ObjectEntries("patternProperties", value)
                    : [];
                _patternPropertyRegexes = compiler._shapeOnly ? [] : names.Select(p => Regex("patternProperties", p)).ToArray();
            }

            return _patternPropertyRegexes;
        }

        private RefValidator CompileReference(string keyword, JsonElement value)
        {
            var reference = String(keyword, value);
            var validator = new RefValidator();
            if (!compiler._shapeOnly)
            {
                compiler._pendingReferences.Enqueue(() =>
                    validator.Target = compiler.Resolve(reference, location, keyword, out _).Node);
            }

            return validator;
        }

        private DynamicRefValidator CompileDynamicReference(string keyword, JsonElement value)
        {
            var reference = String(keyword, value);
            var validator = new DynamicRefValidator();
            if (!compiler._shapeOnly)
            {
                compiler._pendingReferences.Enqueue(() =>
                {
                    var (node, anchor) = compiler.Resolve(reference, location, keyword, out var fragment);
                    validator.StaticTarget = node;
                    // Only a reference to a $dynamicAnchor is dynamic ("bookending"); anything else behaves like $ref.
                    validator.DynamicAnchor = anchor is { IsDynamic: true } ? fragment : null;
                });
            }

            return validator;
        }

        private Regex Regex(string keyword, string pattern)
        {
            try
            {
                return EcmaScriptRegex.Create(pattern);
            }
            catch (ArgumentException exception)
            {
                throw Error(keyword, $"'{pattern}' is not a supported regular expression: {exception.Message}");
            }
        }

        private JsonNumber Number(string keyword, JsonElement value) =>
            value.ValueKind == JsonValueKind.Number ? JsonNumber.From(value) : throw Error(keyword, "must be a number");

        private long NonNegativeInteger(string keyword, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Number || !JsonNumber.From(value).IsInteger || value.GetDouble() < 0)
            {
                throw Error(keyword, "must be a non-negative integer");
            }

            var number = value.GetDouble();
            return number >= long.MaxValue ? long.MaxValue : (long)number;
        }

        private bool Boolean(string keyword, JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(keyword, "must be true or false"),
        };

        private string String(string keyword, JsonElement value) =>
            value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(keyword, "must be a string");

        private string[] UniqueStrings(string keyword, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
            {
                throw Error(keyword, "must be an array of strings");
            }

            var strings = value.EnumerateArray().Select(item => item.GetString()!).ToArray();
            if (strings.Distinct(StringComparer.Ordinal).Count() != strings.Length)
            {
                throw Error(keyword, "must not contain duplicate strings");
            }

            return strings;
        }

        private string[] ObjectEntries(string keyword, JsonElement value) =>
            value.ValueKind == JsonValueKind.Object
                ? value.EnumerateObject().Select(member => member.Name).ToArray()
                : throw Error(keyword, "must be an object");

        private InvalidSchemaException Error(string keyword, string message) => Invalid($"'{keyword}' {message}", location.Pointer, keyword);
    }

    // ---------------------------------------------------------------- step 3: references

    private SchemaNode NodeAt(string pointer) =>
        _locationsByPointer.TryGetValue(pointer, out var location)
            ? location.Node ?? throw new InvalidOperationException($"No node was created for {pointer}.")
            : throw new InvalidOperationException($"The subschema at {pointer} was not indexed.");

    /// <summary>Resolves a reference against the base URI of the schema that contains it.</summary>
    private (SchemaNode Node, Anchor? Anchor) Resolve(string reference, SchemaLocation from, string keyword, out string? fragment)
    {
        var target = from.BaseUri.Resolve(UriReference.Parse(reference));
        fragment = target.Fragment is null ? null : JsonPointer.PercentDecode(target.Fragment);
        if (target.Fragment is not null && fragment is null)
        {
            throw Invalid($"'{reference}' has a malformed percent-encoded fragment", from.Pointer, keyword);
        }

        var resourceUri = target.WithoutFragment();
        if (!_resources.TryGetValue(resourceUri, out var resource))
        {
            if (resourceUri == MetaSchemaUri && string.IsNullOrEmpty(fragment))
            {
                return (MetaSchemaNode(), null);
            }

            var resolvedTo = resourceUri.StartsWith(DefaultBaseRoot, StringComparison.Ordinal) ? string.Empty : $" (resolved to '{target}')";
            throw Invalid(
                $"cannot resolve '{keyword}': '{reference}'{resolvedTo}; only references to subschemas inside this document are supported",
                from.Pointer,
                keyword);
        }

        if (string.IsNullOrEmpty(fragment))
        {
            return (resource.Node!, null);
        }

        if (fragment[0] != '/')
        {
            return _anchors.TryGetValue((resourceUri, fragment), out var anchor)
                ? (anchor.Location.Node!, anchor)
                : throw Invalid($"cannot resolve '{keyword}': '{reference}' names no '$anchor' in {DescribeResource(resourceUri)}", from.Pointer, keyword);
        }

        var tokens = JsonPointer.ParseTokens(fragment)
            ?? throw Invalid($"'{reference}' contains a malformed JSON pointer", from.Pointer, keyword);
        var pointer = JsonPointer.Build(resource.Pointer, tokens);
        if (_locationsByPointer.TryGetValue(pointer, out var known))
        {
            return (known.Node!, null);
        }

        // A pointer to a place the keyword-aware index did not visit (e.g. inside an unknown container): compile it on demand.
        if (!JsonPointer.TryNavigate(resource.Element, tokens, out var element))
        {
            throw Invalid($"cannot resolve '{keyword}': '{reference}' does not point at anything in the document", from.Pointer, keyword);
        }

        Index(element, pointer, resource.BaseUri, resource.Resource);
        CompileNewLocations();
        return (_locationsByPointer[pointer].Node!, null);
    }

    private static string DescribeResource(string resourceUri) =>
        resourceUri == DefaultBaseUri ? "this document" : $"'{resourceUri}'";

    private SchemaNode MetaSchemaNode()
    {
        if (_metaSchemaNode is null)
        {
            _metaSchemaNode = new SchemaNode(MetaSchemaUri, resource: null);
            _metaSchemaNode.SetValidators([new MetaSchemaValidator()], tracksOwnAnnotations: false);
        }

        return _metaSchemaNode;
    }

    private void AttachDynamicAnchors()
    {
        foreach (var ((resourceUri, name), anchor) in _anchors)
        {
            if (anchor.IsDynamic)
            {
                _resources[resourceUri].Resource.DynamicAnchors[name] = anchor.Location.Node!;
            }
        }
    }

    /// <summary>
    /// A cycle of in-place applicators ($ref, allOf, not, ...) re-evaluates the same instance forever.
    /// Such a schema can never be evaluated, so it is refused up front instead of overflowing the stack later.
    /// </summary>
    private void RejectReferenceLoops()
    {
        var state = new Dictionary<SchemaNode, bool>(ReferenceEqualityComparer.Instance); // false = on stack, true = done
        foreach (var location in _locations)
        {
            Visit(location.Node!);
        }

        void Visit(SchemaNode node)
        {
            if (state.TryGetValue(node, out var done))
            {
                if (!done)
                {
                    throw new InvalidSchemaException(
                        "the schema refers back to itself without descending into the value ($ref loop), so validation would never end",
                        node.SchemaPath);
                }

                return;
            }

            state[node] = false;
            foreach (var validator in node.Validators)
            {
                foreach (var next in validator.InPlaceSubschemas)
                {
                    Visit(next);
                }
            }

            state[node] = true;
        }
    }

    private static InvalidSchemaException Invalid(string message, string pointer, string? keyword = null) =>
        new(message, "#" + (keyword is null ? pointer : JsonPointer.Append(pointer, keyword)));

    private sealed record Anchor(SchemaLocation Location, bool IsDynamic);

    /// <summary>A subschema position in the document, with the base URI and resource that apply there.</summary>
    private sealed class SchemaLocation(string pointer, JsonElement element, UriReference baseUri, SchemaResource resource)
    {
        public string Pointer { get; } = pointer;

        public JsonElement Element { get; } = element;

        public UriReference BaseUri { get; } = baseUri;

        public SchemaResource Resource { get; } = resource;

        public SchemaNode? Node { get; set; }
    }
}

namespace SocialMcp.Schema.Evaluation;

/// <summary>
/// Mutable state of one validation run: where we are in the instance, which schema resources are in
/// dynamic scope, and (when collecting) the errors found. Reused per thread to keep the happy path allocation-free.
/// </summary>
internal sealed class EvaluationContext
{
    // Far deeper than any sane instance or schema; protects the stack against pathological $dynamicRef recursion.
    private const int MaxDepth = 2048;

    [ThreadStatic]
    private static EvaluationContext? s_cached;

    private readonly List<PathSegment> _path = [];
    private readonly List<SchemaResource> _dynamicScope = [];
    private int _depth;

    /// <summary>Null while evaluating in "is it valid?" mode: keywords may then stop at the first failure.</summary>
    public List<SchemaValidationError>? Errors { get; set; }

    public bool CollectingErrors => Errors is not null;

    public IReadOnlyList<SchemaResource> DynamicScope => _dynamicScope;

    public static EvaluationContext Rent(List<SchemaValidationError>? errors)
    {
        var context = s_cached ?? new EvaluationContext();
        s_cached = null;
        context.Errors = errors;
        return context;
    }

    public static void Return(EvaluationContext context)
    {
        context.Errors = null;
        context._path.Clear();
        context._dynamicScope.Clear();
        context._depth = 0;
        s_cached = context;
    }

    public void PushProperty(string name) => _path.Add(new PathSegment(name, -1));

    public void PushIndex(int index) => _path.Add(new PathSegment(null, index));

    public void Pop() => _path.RemoveAt(_path.Count - 1);

    public string CurrentPath => InstancePath.Format(_path);

    public string ChildPath(string propertyName) => InstancePath.Format(_path, propertyName);

    public void AddError(string keyword, string message) => Errors?.Add(new SchemaValidationError(CurrentPath, keyword, message));

    /// <summary>Reports an error located at a member of the current object (e.g. a missing required property).</summary>
    public void AddErrorAtProperty(string propertyName, string keyword, string message) =>
        Errors?.Add(new SchemaValidationError(ChildPath(propertyName), keyword, message));

    public bool TryEnter(SchemaResource? resource, out bool pushedScope)
    {
        pushedScope = false;
        if (++_depth > MaxDepth)
        {
            _depth--;
            AddError("$ref", "the schema recurses too deeply for this value");
            return false;
        }

        if (resource is not null && (_dynamicScope.Count == 0 || !ReferenceEquals(_dynamicScope[^1], resource)))
        {
            _dynamicScope.Add(resource);
            pushedScope = true;
        }

        return true;
    }

    public void Exit(bool pushedScope)
    {
        _depth--;
        if (pushedScope)
        {
            _dynamicScope.RemoveAt(_dynamicScope.Count - 1);
        }
    }

    /// <summary>Evaluates without recording errors (used by anyOf/oneOf/not/if/contains branches).</summary>
    public bool EvaluateSilently(SchemaNode node, System.Text.Json.JsonElement instance, EvaluatedLocations? evaluated)
    {
        var saved = Errors;
        Errors = null;
        try
        {
            return node.Evaluate(instance, this, evaluated);
        }
        finally
        {
            Errors = saved;
        }
    }

    /// <summary>Evaluates and returns the errors the node would report, without adding them to the run.</summary>
    public List<SchemaValidationError> CollectErrors(SchemaNode node, System.Text.Json.JsonElement instance)
    {
        var saved = Errors;
        var scratch = new List<SchemaValidationError>();
        Errors = scratch;
        try
        {
            node.Evaluate(instance, this, null);
            return scratch;
        }
        finally
        {
            Errors = saved;
        }
    }
}

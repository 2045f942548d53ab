namespace SocialMcp.Schema.Evaluation;

/// <summary>
/// The annotations unevaluatedProperties / unevaluatedItems depend on: which members and items of the
/// current instance were already evaluated by adjacent keywords or successful in-place subschemas.
/// Only allocated when a schema actually uses an unevaluated* keyword.
/// </summary>
internal sealed class EvaluatedLocations
{
    private HashSet<string>? _properties;
    private bool _allProperties;
    private int _prefixItems;
    private bool _allItems;
    private HashSet<int>? _containsItems;

    public void AddProperty(string name)
    {
        if (!_allProperties)
        {
            (_properties ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
        }
    }

    public void MarkAllProperties() => _allProperties = true;

    public bool IsPropertyEvaluated(string name) => _allProperties || (_properties?.Contains(name) ?? false);

    public void AddPrefixItems(int count) => _prefixItems = Math.Max(_prefixItems, count);

    public void MarkAllItems() => _allItems = true;

    public void AddContainedItem(int index) => (_containsItems ??= []).Add(index);

    public bool IsItemEvaluated(int index) =>
        _allItems || index < _prefixItems || (_containsItems?.Contains(index) ?? false);

    public void MergeFrom(EvaluatedLocations other)
    {
        if (other._allProperties)
        {
            _allProperties = true;
            _properties = null;
        }
        else if (other._properties is not null)
        {
            foreach (var name in other._properties)
            {
                AddProperty(name);
            }
        }

        _allItems |= other._allItems;
        _prefixItems = Math.Max(_prefixItems, other._prefixItems);
        if (other._containsItems is not null)
        {
            (_containsItems ??= []).UnionWith(other._containsItems);
        }
    }
}

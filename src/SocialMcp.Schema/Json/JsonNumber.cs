using System.Globalization;
using System.Text.Json;

namespace SocialMcp.Schema.Json;

/// <summary>
/// A JSON number held exactly as a decimal when it fits (so 0.1 + multipleOf work as people expect),
/// with a double fallback for values outside decimal's range.
/// </summary>
internal readonly struct JsonNumber
{
    private readonly decimal _exact;
    private readonly bool _isExact;

    private JsonNumber(decimal exact, bool isExact, double approximate)
    {
        _exact = exact;
        _isExact = isExact;
        Approximate = approximate;
    }

    public double Approximate { get; }

    public static JsonNumber From(JsonElement number)
    {
        var approximate = number.GetDouble();
        // TryGetDecimal silently rounds tiny values like 1e-30 to 0; treat those as inexact.
        var isExact = number.TryGetDecimal(out var exact) && (exact != 0 || approximate == 0);
        return new JsonNumber(exact, isExact, approximate);
    }

    public int CompareTo(JsonNumber other) =>
        _isExact && other._isExact ? _exact.CompareTo(other._exact) : Approximate.CompareTo(other.Approximate);

    public bool NumericEquals(JsonNumber other) =>
        _isExact && other._isExact ? _exact == other._exact : Approximate == other.Approximate;

    public bool IsInteger => _isExact ? decimal.Truncate(_exact) == _exact : double.IsFinite(Approximate) && Math.Floor(Approximate) == Approximate;

    public bool IsMultipleOf(JsonNumber divisor)
    {
        if (_isExact && divisor._isExact)
        {
            try
            {
                return _exact % divisor._exact == 0;
            }
            catch (OverflowException)
            {
                // Fall through to the floating point check.
            }
        }

        var quotient = Approximate / divisor.Approximate;
        return double.IsFinite(quotient) && Math.Floor(quotient) == quotient;
    }

    public override string ToString() =>
        _isExact ? _exact.ToString(CultureInfo.InvariantCulture) : Approximate.ToString("R", CultureInfo.InvariantCulture);
}

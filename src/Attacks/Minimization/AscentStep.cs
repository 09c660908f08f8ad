namespace FoolingCluster.Attacks.Minimization;

/// <summary>How <see cref="FoolingAscent"/> turns a gradient into a step of size η.</summary>
public enum AscentStep
{
    /// <summary>η times the gradient itself (Nguyen et al.'s plain ascent).</summary>
    Gradient,

    /// <summary>η along the gradient scaled to unit L2 length.</summary>
    UnitL2,

    /// <summary>η times the sign of each value of the gradient.</summary>
    Sign,
}

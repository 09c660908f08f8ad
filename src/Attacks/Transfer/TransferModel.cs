namespace FoolingCluster.Attacks.Transfer;

/// <summary>One model of a transfer experiment: a name for the tables and the classifier itself.</summary>
/// <param name="Name">How rows and columns are labelled, e.g. the weights file's name.</param>
/// <param name="Model">The classifier; adversarials are crafted on it and it classifies every model's adversarials.</param>
public sealed record TransferModel(string Name, IAttackModel Model);

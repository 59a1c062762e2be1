package dev.nabla.nn.losses;

/** How a loss turns per-sample values into its result: their mean, their sum, or the per-sample values themselves. */
public enum Reduction {
    MEAN,
    SUM,
    NONE
}

package dev.nabla.nn;

/** Convolution padding: VALID uses no padding; SAME pads so that the output is ceil(input / stride), as Keras. */
public enum Padding {
    VALID,
    SAME
}

package dev.nabla.optim;

import java.util.Map;

/** The learning rate as a function of the optimizer step (0 for the first update). See {@link Schedules}. */
public interface LearningRateSchedule {

    float at(long step);

    /** Type and parameters, JSON-friendly, for {@code Schedules.fromConfig}. */
    Map<String, Object> config();
}

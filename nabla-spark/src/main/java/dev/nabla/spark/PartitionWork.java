package dev.nabla.spark;

import dev.nabla.data.Batch;
import dev.nabla.nn.Weight;
import dev.nabla.optim.Optimizer;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions Spark runs on each partition. They are static classes holding nothing but broadcasts: the model
 * and the parameters reach executors only through those, never through a closure.
 */
final class PartitionWork {

    private PartitionWork() {}

    /** Packs a partition's examples into one cached {@link ExampleBlock}. */
    static final class Pack implements Function2<Integer, Iterator<Example>, Iterator<ExampleBlock>> {
        private final Broadcast<ExampleShape> shape;

        Pack(Broadcast<ExampleShape> shape) {
            this.shape = shape;
        }

        @Override
        public Iterator<ExampleBlock> call(Integer partition, Iterator<Example> examples) {
            return List.of(ExampleBlock.pack(partition, examples, shape.value())).iterator();
        }
    }

    /**
     * A task on one partition's block with a replica of the model: borrowed from the executor's pool for the call,
     * loaded from the broadcast order by {@link #work}.
     */
    private abstract static class ReplicaTask implements Function2<Integer, Iterator<ExampleBlock>, Iterator<PartitionResult>> {
        private final Broadcast<Blueprint> blueprint;
        private final Broadcast<StepOrder> order;

        ReplicaTask(Broadcast<Blueprint> blueprint, Broadcast<StepOrder> order) {
            this.blueprint = blueprint;
            this.order = order;
        }

        @Override
        public final Iterator<PartitionResult> call(Integer partition, Iterator<ExampleBlock> blocks) {
            Blueprint bp = blueprint.value();
            Model replica = Replicas.borrow(blueprint.id(), bp);
            try {
                return List.of(work(partition, blocks.next(), bp, order.value(), replica)).iterator();
            } finally {
                Replicas.giveBack(blueprint.id(), replica);
            }
        }

        abstract PartitionResult work(int partition, ExampleBlock block, Blueprint bp, StepOrder o, Model replica);
    }

    /** One synchronous step: the gradient sum and loss sum of this partition's share of the global batch. */
    static final class GradientShare extends ReplicaTask {
        GradientShare(Broadcast<Blueprint> blueprint, Broadcast<StepOrder> order) {
            super(blueprint, order);
        }

        @Override
        PartitionResult work(int partition, ExampleBlock block, Blueprint bp, StepOrder o, Model replica) {
            List<Weight> weights = replica.weights();
            WeightVectors.load(values(weights), o.weights());
            List<Tensor> trainable = replica.trainableParameters();
            List<Tensor> state = nonTrainable(weights);
            int from = bp.shareStart(o.firstStep(), block.rows()), to = bp.shareStart(o.firstStep() + 1, block.rows());
            if (from == to) {
                return new PartitionResult(partition, 0, 0, new float[WeightVectors.length(trainable)],
                        new float[WeightVectors.length(state)], Map.of());
            }
            Batch batch = block.batch(bp.order(partition, o.epoch(), block.rows()), from, to);
            int n = batch.size();
            replica.seed(bp.stepSeed(o.epoch(), o.firstStep(), partition));
            replica.setTraining(true);
            Tensor loss = replica.loss().apply(batch.y(), replica.apply(batch.x()));
            for (Tensor p : trainable) p.zeroGrad();
            loss.backward();
            float[] stateSum = WeightVectors.flatten(state);
            for (int i = 0; i < stateSum.length; i++) stateSum[i] *= n;
            return new PartitionResult(partition, n, (double) loss.item() * n, WeightVectors.gradients(trainable, n), stateSum, Map.of());
        }
    }

    /** One averaging round: up to K local optimizer steps on this partition's shares, from the broadcast state. */
    static final class LocalRound extends ReplicaTask {
        LocalRound(Broadcast<Blueprint> blueprint, Broadcast<StepOrder> order) {
            super(blueprint, order);
        }

        @Override
        PartitionResult work(int partition, ExampleBlock block, Blueprint bp, StepOrder o, Model replica) {
            List<Tensor> all = values(replica.weights());
            WeightVectors.load(all, o.weights());
            Optimizer optimizer = replica.optimizer();
            Map<String, Tensor> named = Weight.byName(replica.weights());
            optimizer.setIterations(o.optimizerIterations());
            optimizer.loadState(SparkTrainer.tensors(o.optimizerState()), named);
            int[] epochOrder = bp.order(partition, o.epoch(), block.rows());
            long examples = 0;
            double lossSum = 0;
            for (int s = o.firstStep(); s < o.firstStep() + o.steps(); s++) {
                int from = bp.shareStart(s, block.rows()), to = bp.shareStart(s + 1, block.rows());
                if (from == to) continue;
                Batch batch = block.batch(epochOrder, from, to);
                replica.seed(bp.stepSeed(o.epoch(), s, partition));
                lossSum += (double) replica.trainStep(batch.x(), batch.y()) * batch.size();
                examples += batch.size();
            }
            float[] weightSum = WeightVectors.flatten(all);
            for (int i = 0; i < weightSum.length; i++) weightSum[i] *= examples;
            Map<String, float[]> stateSum = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : optimizer.state(named).entrySet()) {
                float[] v = e.getValue().data();
                for (int i = 0; i < v.length; i++) v[i] *= examples;
                stateSum.put(e.getKey(), v);
            }
            return new PartitionResult(partition, examples, lossSum, weightSum, new float[0], stateSum);
        }
    }

    static List<Tensor> values(List<Weight> weights) {
        List<Tensor> out = new ArrayList<>(weights.size());
        for (Weight w : weights) out.add(w.value());
        return out;
    }

    static List<Tensor> nonTrainable(List<Weight> weights) {
        List<Tensor> out = new ArrayList<>();
        for (Weight w : weights) if (!w.trainable()) out.add(w.value());
        return out;
    }
}

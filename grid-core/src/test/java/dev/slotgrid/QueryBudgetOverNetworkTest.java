package dev.slotgrid;

/** {@link QueryBudgetTest} over the network binding: the slow member is one behind a loopback socket. */
class QueryBudgetOverNetworkTest extends QueryBudgetTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}

"""Fixtures for testing the orders service from pytest, in either of two ways.

- On its own (`pytest`): mountepy starts `mb` (rehearsal, first on PATH) and the processes:
  Redis and the orders binary that ORDERS_BIN names, as Python teams do with mountebank.
- Under `rehearsal run -- pytest`: rehearsal has started what rehearsal.toml declares, and
  the tests only read where it is (REHEARSAL_ORDERS_URL, REHEARSAL_PAYMENTS_PORT and
  REHEARSAL_MOCK_API).

Either way a test gets `orders_url` and `payments`, an imposter whose stubs it sets.
"""

import os

import port_for
import pytest
import requests
from mountepy import HttpService, Mountebank


class Payments:
    """The payments imposter, through mountebank's REST API."""

    def __init__(self, api_url, port):
        self.api_url = api_url
        self.port = port

    def answer(self, *stubs):
        """Replaces the imposter with one whose stubs are `stubs`, recording requests."""
        requests.delete('{}/imposters/{}'.format(self.api_url, self.port)).raise_for_status()
        imposter = {'protocol': 'http', 'port': self.port, 'name': 'payments',
                    'recordRequests': True, 'stubs': list(stubs)}
        requests.post('{}/imposters'.format(self.api_url), json=imposter).raise_for_status()

    def charges(self):
        """The bodies of the charges the imposter received."""
        imposter = requests.get('{}/imposters/{}'.format(self.api_url, self.port)).json()
        return [request['body'] for request in imposter.get('requests', [])]


def _under_rehearsal_run():
    return 'REHEARSAL_ORDERS_URL' in os.environ


@pytest.fixture(scope='session')
def environment():
    """(orders URL, mock API URL, payments port), from rehearsal run or started here."""
    if _under_rehearsal_run():
        yield (os.environ['REHEARSAL_ORDERS_URL'], os.environ['REHEARSAL_MOCK_API'],
               int(os.environ['REHEARSAL_PAYMENTS_PORT']))
        return
    payments_port = port_for.select_random()
    redis = HttpService(['redis-server', '--port', '{port}', '--bind', '127.0.0.1',
                         '--save', '', '--appendonly', 'no'])
    binary = os.environ.get('ORDERS_BIN')
    if not binary:
        pytest.exit('set ORDERS_BIN to the orders binary (cargo build --release -p orders '
                    'makes target/release/orders), or run the tests under rehearsal run')
    with Mountebank() as mb, redis:
        orders = HttpService(
            [binary],
            env={'PORT': '{port}',
                 'REDIS_URL': 'redis://127.0.0.1:{}'.format(redis.port),
                 'PAYMENTS_URL': 'http://127.0.0.1:{}'.format(payments_port)})
        with orders:
            yield (orders.url, 'http://localhost:{}'.format(mb.port), payments_port)


@pytest.fixture
def orders_url(environment):
    return environment[0]


@pytest.fixture
def payments(environment):
    _, api_url, port = environment
    imposter = Payments(api_url, port)
    imposter.answer(charge_everyone())
    yield imposter


def charge_everyone():
    return {'predicates': [{'equals': {'method': 'POST', 'path': '/charges'}}],
            'responses': [{'is': {'statusCode': 201, 'body': {'id': 'ch_1'}}}]}

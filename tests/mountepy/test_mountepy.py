"""mountepy 0.4.1 (PyPI), unchanged, against rehearsal as `mb` on PATH (run through run.sh).

What mountepy calls, from its source: `mb help` (must exit 0), `mb --mock --port N` (readiness is
a TCP connect), `POST /imposters`, `GET /imposters/N` (`requests[]` with `timestamp`),
`DELETE /imposters/N`, `DELETE /imposters`, and SIGINT with a 5 s wait to stop.
"""

import os
import shutil

import port_for
import pytest
import requests

from mountepy import HttpStub, Mountebank
from mountepy.mb_mgmt import get_mb_command


def test_mb_on_path_is_rehearsal():
    # Checked first: if mountepy did not find `mb`, it would download mountebank 1.4 instead.
    assert os.path.realpath(shutil.which('mb')) == os.path.realpath(os.environ['REHEARSAL_BIN'])
    assert get_mb_command() == ['mb']


@pytest.fixture
def mountebank():
    assert get_mb_command() == ['mb']
    with Mountebank() as mb:
        yield mb


def test_simple_imposter_answers_and_records_requests(mountebank):
    imposter = mountebank.add_imposter_simple(
        path='/orders', method='GET', status_code=201, response='{"id": 1}')

    response = requests.get('http://localhost:{}/orders?x=1'.format(imposter.port),
                            headers={'X-Test': 'yes'})

    assert response.status_code == 201
    assert response.text == '{"id": 1}'
    assert response.headers['Content-Type'] == 'application/json'
    recorded = imposter.wait_for_requests(1)
    assert len(recorded) == 1
    request = recorded[0]
    assert request.method == 'GET'
    assert request.path == '/orders'
    assert request.query == {'x': '1'}
    assert request.headers['X-Test'] == 'yes'
    assert request.timestamp is not None


def test_add_imposter_with_a_full_configuration(mountebank):
    port = port_for.select_random()
    imposter = mountebank.add_imposter({
        'protocol': 'http',
        'port': port,
        'stubs': [{
            'predicates': [{'equals': {'method': 'POST', 'path': '/things'}}],
            'responses': [{'is': {'statusCode': 202, 'body': 'accepted'}}],
        }],
    })
    url = 'http://localhost:{}'.format(port)

    created = requests.post(url + '/things', json={'name': 'a'})
    assert (created.status_code, created.text) == (202, 'accepted')
    unmatched = requests.get(url + '/other')
    assert (unmatched.status_code, unmatched.text) == (200, '')
    bodies = [r.body for r in imposter.wait_for_requests(2)]
    assert bodies[0] == '{"name": "a"}'

    imposter.destroy()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + '/things')


def test_multi_stub_imposter(mountebank):
    port = port_for.select_random()
    mountebank.add_multi_stub_imposter_simple(port, [
        HttpStub('GET', '/a', 200, 'first'),
        HttpStub('POST', '/b', 201, 'second'),
    ])
    url = 'http://localhost:{}'.format(port)
    assert requests.get(url + '/a').text == 'first'
    assert requests.post(url + '/b').status_code == 201
    assert requests.get(url + '/b').status_code == 200


def test_reset_removes_every_imposter(mountebank):
    imposter = mountebank.add_imposter_simple()
    mountebank.reset()
    with pytest.raises(requests.ConnectionError):
        requests.get('http://localhost:{}/'.format(imposter.port))


def test_stop_ends_the_process_and_closes_every_port():
    mb = Mountebank()
    mb.start()
    imposter = mb.add_imposter_simple(response='up')
    assert requests.get('http://localhost:{}/'.format(imposter.port)).text == 'up'

    mb.stop()

    assert mb.process._service_proc.returncode == 0
    with pytest.raises(requests.ConnectionError):
        requests.get('http://localhost:{}/'.format(imposter.port))
    with pytest.raises(requests.ConnectionError):
        requests.get('http://localhost:{}/imposters'.format(mb.port))

from tests.conftest import Personas


def test_it_shows_the_home_page_to_a_verified_user(personas: Personas, client_for) -> None:
    response = client_for(personas.worker_a).get("/")
    assert response.status_code == 200
    assert b"Welcome" in response.content
